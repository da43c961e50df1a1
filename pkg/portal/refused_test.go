package portal_test

import (
	"context"
	"strings"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/portal/portalsim"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// On the simulator taking E0402, a CSV is refused whole. A rerun does not
// follow that refusal as if it were the result: it says the earlier import
// was refused, with its 上傳編號, date and reason, and sends the file again.
func TestRerunAfterRefusedWholeSendsAgain(t *testing.T) {
	lay := portal.DefaultLayout()
	lay.Blank.ImportFormat = "e0402"
	sim := startSim(t, portalsim.Options{ImportFormat: "e0402", Layout: lay})
	o := options(sim, "53212539", "head", secret, nil)
	l := *sim.Layout()
	l.Blank.ImportFormat = portal.DefaultLayout().Blank.ImportFormat // CSV, where E0402 is taken
	o.Layout = &l
	cl := newClient(t, o)
	files := map[string][]ranges.BlankRange{"g.csv": {rng("53212539", "AD", 0, 49)}}
	plan := upload(t, cl, files)
	if st := plan.Files[0].Ranges[0]; st.State != portal.Rejected || sim.Imports() != 1 {
		t.Fatalf("first run: %v %q, %d imports", st.State, st.Reason, sim.Imports())
	}
	plan, err := cl.PlanUpload(context.Background(), period, files, nil)
	if err != nil {
		t.Fatal(err)
	}
	st := plan.Files[0].Ranges[0]
	if st.State != portal.ToUpload || plan.Pending() != 1 || !strings.Contains(st.Reason.String(), "an earlier import of this file, 上傳編號 1 of 20") ||
		!strings.Contains(st.Reason.String(), "was refused whole: "+portalsim.ReasonFormat) {
		t.Errorf("the rerun's plan: %v %q", st.State, st.Reason)
	}
	var said []string
	if err := cl.Execute(context.Background(), plan, fastWait, func(s string) { said = append(said, s) }); err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(said, "\n"); sim.Imports() != 2 || !plan.Files[0].Parcels[0].Sent || !strings.Contains(text, "was refused whole: "+portalsim.ReasonFormat) ||
		!strings.Contains(text, "sending it again") || !strings.Contains(text, "(上傳編號 2)") {
		t.Errorf("the rerun: %d imports; said\n%s", sim.Imports(), text)
	}
}
