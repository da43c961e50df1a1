package portal_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/portal/portalsim"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

var period = ranges.Period{Year: 114, EndMonth: 10}

const secret = "s3cret-pw"

func startSim(t *testing.T, o portalsim.Options) *portalsim.Simulator {
	t.Helper()
	if o.Accounts == nil {
		o.Accounts = []portalsim.Account{
			{Ban: "53212539", User: "head", Password: secret, Branches: []ranges.Ban{"24549210"}},
			{Ban: "83012410", User: "shop", Password: secret},
		}
	}
	if o.Periods == nil {
		o.Periods = []ranges.Period{period.Next(), period, period.Previous()}
	}
	s, err := portalsim.New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

type captchas struct{ n atomic.Int32 }

func (c *captchas) solve(answer string) portal.CaptchaSolver {
	return func(_ context.Context, img []byte) (string, error) {
		c.n.Add(1)
		if len(img) < 8 || string(img[1:4]) != "PNG" {
			return "", errors.New("the captcha is not a PNG image")
		}
		return answer, nil
	}
}

func options(sim *portalsim.Simulator, ban ranges.Ban, user, pw string, cc *captchas) portal.Options {
	if cc == nil {
		cc = &captchas{}
	}
	return portal.Options{Layout: sim.Layout(), Mode: portal.ModeDirect, Ban: ban, User: user, Password: pw,
		Captcha: cc.solve(portalsim.DefaultCaptchaAnswer), Timeout: 5 * time.Second, Retries: 3, Backoff: time.Millisecond}
}

func newClient(t *testing.T, o portal.Options) *portal.Client {
	t.Helper()
	cl, err := portal.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl
}

func rng(ban ranges.Ban, track ranges.Track, start, end ranges.Number) ranges.BlankRange {
	return ranges.BlankRange{Key: ranges.Key{Ban: ban, Type: ranges.TypeGeneral, Period: period, Track: track}, Start: start, End: end}
}

var fastWait = portal.Wait{First: 5 * time.Millisecond, Max: 20 * time.Millisecond, Limit: 5 * time.Second}

func upload(t *testing.T, cl *portal.Client, files map[string][]ranges.BlankRange, order ...string) *portal.Plan {
	t.Helper()
	ctx := context.Background()
	plan, err := cl.PlanUpload(ctx, period, files, order)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Execute(ctx, plan, fastWait, nil); err != nil {
		t.Fatal(err)
	}
	return plan
}

func TestUploadAndVerify(t *testing.T) {
	// Imports are processed 50ms after upload: the client must poll.
	sim := startSim(t, portalsim.Options{Delay: 50 * time.Millisecond})
	cl := newClient(t, options(sim, "83012410", "shop", secret, nil))
	files := map[string][]ranges.BlankRange{"83012410_11410.csv": {rng("83012410", "ZK", 100, 199), rng("83012410", "ZK", 300, 300)}}
	plan := upload(t, cl, files, "83012410_11410.csv")
	if !plan.AllOnRecord() || plan.Summary()[portal.Uploaded] != 2 {
		t.Fatalf("plan: %s", plan.Describe())
	}
	if n := len(sim.Records()); n != 2 {
		t.Errorf("%d records on the simulator, want 2", n)
	}
	// Running again uploads nothing: both ranges are already on record.
	plan = upload(t, cl, files, "83012410_11410.csv")
	if plan.Summary()[portal.OnRecord] != 2 || sim.Imports() != 1 {
		t.Errorf("second run: %s, %d imports", plan.Describe(), sim.Imports())
	}
}

func TestPagingUsesTotals(t *testing.T) {
	sim := startSim(t, portalsim.Options{})
	for i := 0; i < 40; i++ {
		sim.AddRecord(portal.Record{Ban: "83012410", Type: ranges.TypeGeneral, Period: period, Track: "ZK", Start: ranges.Number(i * 10), End: ranges.Number(i*10 + 5)})
	}
	cl := newClient(t, options(sim, "83012410", "shop", secret, nil))
	recs, err := cl.Records(context.Background(), period, "83012410")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 40 || recs[39].Start != 390 {
		t.Errorf("%d records read over the pages, want 40", len(recs))
	}
}

func TestLoginRefusals(t *testing.T) {
	sim := startSim(t, portalsim.Options{})
	cc := &captchas{}
	cl := newClient(t, options(sim, "83012410", "shop", "wrong-"+secret, cc))
	err := cl.Login(context.Background())
	if !errors.Is(err, portal.ErrLogin) || cc.n.Load() != 1 || sim.WrongPasswords("83012410") != 1 {
		t.Fatalf("wrong password: %v, %d captchas, %d wrong passwords; want ErrLogin after one try", err, cc.n.Load(), sim.WrongPasswords("83012410"))
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("the error shows the password: %v", err)
	}
	o := options(sim, "83012410", "shop", secret, nil)
	var asked atomic.Int32
	o.Captcha = func(context.Context, []byte) (string, error) { asked.Add(1); return "99999", nil }
	cl = newClient(t, o)
	if err := cl.Login(context.Background()); !errors.Is(err, portal.ErrCaptcha) || asked.Load() != 3 {
		t.Errorf("wrong captcha: %v after %d captchas; want ErrCaptcha after 3", err, asked.Load())
	}
}

func TestSessionExpiresMidRun(t *testing.T) {
	sim := startSim(t, portalsim.Options{})
	cc := &captchas{}
	cl := newClient(t, options(sim, "83012410", "shop", secret, cc))
	ctx := context.Background()
	files := map[string][]ranges.BlankRange{"f.csv": {rng("83012410", "ZK", 100, 199)}}
	plan, err := cl.PlanUpload(ctx, period, files, []string{"f.csv"})
	if err != nil {
		t.Fatal(err)
	}
	sim.ExpireSessions()
	if err := cl.Execute(ctx, plan, fastWait, nil); err != nil {
		t.Fatal(err)
	}
	if !plan.AllOnRecord() || cc.n.Load() != 2 {
		t.Errorf("plan %s, %d logins; want all on record after one re-login", plan.Describe(), cc.n.Load())
	}
}

func TestTransientServerErrors(t *testing.T) {
	sim := startSim(t, portalsim.Options{})
	cl := newClient(t, options(sim, "83012410", "shop", secret, nil))
	sim.FailNext(3) // Retries is 3: the fourth attempt gets through
	if err := cl.Login(context.Background()); err != nil {
		t.Fatalf("after 3 failures: %v", err)
	}
	sim.FailNext(10)
	_, err := cl.Records(context.Background(), period, "83012410")
	var re *portal.RetryError
	if !errors.Is(err, portal.ErrGaveUp) || !errors.As(err, &re) || re.Attempts != 4 || !strings.Contains(err.Error(), "HTTP 500") {
		t.Errorf("persistent failure: %v", err)
	}
}

func TestRejectedRowIsReportedAtOnce(t *testing.T) {
	sim := startSim(t, portalsim.Options{})
	// 22099131 is listed for no login: the plan keeps it back.
	cl := newClient(t, options(sim, "83012410", "shop", secret, nil))
	plan := upload(t, cl, map[string][]ranges.BlankRange{"f.csv": {rng("22099131", "ZK", 100, 199)}}, "f.csv")
	if st := plan.Files[0].Ranges[0]; st.State != portal.Unauthorized || sim.Imports() != 0 {
		t.Errorf("a 統編 the login may not act for: %v %q, %d imports", st.State, st.Reason, sim.Imports())
	}
	// A range overlapping what another import puts on record first: the
	// portal rejects the row, and the log says so before the wait ends.
	sim.AddRecord(portal.Record{Ban: "83012410", Type: ranges.TypeGeneral, Period: period, Track: "ZL", Start: 0, End: 10})
	plan, err := cl.PlanUpload(context.Background(), period, map[string][]ranges.BlankRange{"g.csv": {rng("83012410", "ZM", 0, 9)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sim.AddRecord(portal.Record{Ban: "83012410", Type: ranges.TypeGeneral, Period: period, Track: "ZM", Start: 5, End: 20})
	var log []string
	if err := cl.Execute(context.Background(), plan, fastWait, func(s string) { log = append(log, s) }); err != nil {
		t.Fatal(err)
	}
	st := plan.Files[0].Ranges[0]
	if st.State != portal.Rejected || st.Reason.String() != portalsim.ReasonOverlap {
		t.Errorf("state %v, reason %q; want rejected, %q", st.State, st.Reason, portalsim.ReasonOverlap)
	}
	if !strings.Contains(strings.Join(log, "\n"), "匯入字軌 of") {
		t.Errorf("the rejection was not reported: %q", log)
	}
}

func TestConflictIsNotUploaded(t *testing.T) {
	sim := startSim(t, portalsim.Options{})
	sim.AddRecord(portal.Record{Ban: "83012410", Type: ranges.TypeGeneral, Period: period, Track: "ZK", Start: 150, End: 160})
	cl := newClient(t, options(sim, "83012410", "shop", secret, nil))
	plan := upload(t, cl, map[string][]ranges.BlankRange{"f.csv": {rng("83012410", "ZK", 100, 199), rng("83012410", "ZL", 0, 49)}}, "f.csv")
	if st := plan.Files[0].Ranges[0]; st.State != portal.Conflict || !strings.Contains(st.Reason.String(), "ZK00000150-00000160") {
		t.Errorf("range 0: %v %q", st.State, st.Reason)
	}
	if sim.Imports() != 0 {
		t.Errorf("a file with a conflict was uploaded")
	}
}

// A run that crashed after uploading: the import is found by its name
// (which holds a hash of the content) and followed, not uploaded again.
func TestRerunAfterCrash(t *testing.T) {
	sim := startSim(t, portalsim.Options{Delay: time.Hour})
	cl := newClient(t, options(sim, "83012410", "shop", secret, nil))
	ctx := context.Background()
	files := map[string][]ranges.BlankRange{"f.csv": {rng("83012410", "ZK", 100, 199)}}
	plan, _ := cl.PlanUpload(ctx, period, files, nil)
	short := portal.Wait{First: time.Millisecond, Max: time.Millisecond, Limit: 20 * time.Millisecond}
	if err := cl.Execute(ctx, plan, short, nil); err != nil {
		t.Fatal(err)
	}
	if st := plan.Files[0].Ranges[0].State; st != portal.Unconfirmed {
		t.Fatalf("with processing pending past the limit: %v, want not confirmed", st)
	}
	plan2, _ := cl.PlanUpload(ctx, period, files, nil)
	if err := cl.Execute(ctx, plan2, short, nil); err != nil {
		t.Fatal(err)
	}
	if sim.Imports() != 1 || plan2.Files[0].Parcels[0].ID != plan.Files[0].Parcels[0].ID || plan2.Files[0].Parcels[0].Sent {
		t.Errorf("%d imports after the re-run, want 1, followed", sim.Imports())
	}
}

// One login of the head office uploads and verifies its branch: one
// captcha for both 統編.
func TestHeadOfficeActsForItsBranches(t *testing.T) {
	sim := startSim(t, portalsim.Options{})
	cc := &captchas{}
	head := newClient(t, options(sim, "53212539", "head", secret, cc))
	companies, err := head.Companies(context.Background())
	if err != nil || len(companies) != 2 || companies[1].Ban != "24549210" {
		t.Fatalf("companies: %v %v", companies, err)
	}
	plan := upload(t, head, map[string][]ranges.BlankRange{
		"53212539_11410.csv": {rng("53212539", "AA", 0, 49)},
		"24549210_11410.csv": {rng("24549210", "AB", 0, 49)},
	}, "53212539_11410.csv", "24549210_11410.csv")
	if !plan.AllOnRecord() || cc.n.Load() != 1 {
		t.Errorf("%s with %d captchas; want both on record with 1", plan.Describe(), cc.n.Load())
	}
	shop := newClient(t, options(sim, "83012410", "shop", secret, nil))
	recs, err := shop.Records(context.Background(), period, "83012410")
	if err != nil || len(recs) != 0 {
		t.Errorf("the shop sees %d records (%v), want none of the head office's", len(recs), err)
	}
}

func TestPeriodNotOffered(t *testing.T) {
	sim := startSim(t, portalsim.Options{Periods: []ranges.Period{period.Next()}})
	cl := newClient(t, options(sim, "83012410", "shop", secret, nil))
	_, err := cl.PlanUpload(context.Background(), period, map[string][]ranges.BlankRange{"f.csv": {rng("83012410", "ZK", 0, 9)}}, nil)
	if err == nil || !strings.Contains(err.Error(), "does not take blank numbers for 114/09~114/10") {
		t.Errorf("a period not offered: %v", err)
	}
}

// With the gate on, plain HTTP meets the challenge: direct mode says so.
func TestDirectModeIsChallenged(t *testing.T) {
	sim := startSim(t, portalsim.Options{Gate: true})
	cl := newClient(t, options(sim, "83012410", "shop", secret, nil))
	err := cl.Login(context.Background())
	var ce *portal.ChallengeError
	if !errors.Is(err, portal.ErrChallenged) || !errors.As(err, &ce) || ce.Status != 403 {
		t.Errorf("gate on, direct: %v", err)
	}
}

func TestPlanOrderNamesEveryFile(t *testing.T) {
	sim := startSim(t, portalsim.Options{})
	cl := newClient(t, options(sim, "83012410", "shop", secret, nil))
	files := map[string][]ranges.BlankRange{"b.csv": {rng("83012410", "ZK", 0, 9)}, "a.csv": {rng("83012410", "ZL", 0, 9)}}
	for _, order := range [][]string{{"a.csv"}, {"a.csv", "b.csv", "c.csv"}, {"a.csv", "a.csv"}} {
		if _, err := cl.PlanUpload(context.Background(), period, files, order); err == nil {
			t.Errorf("order %q: no error", order)
		}
	}
	plan, err := cl.PlanUpload(context.Background(), period, files, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Files) != 2 || plan.Files[0].Name != "a.csv" {
		t.Errorf("nil order: %s", plan.Describe())
	}
}

// The E0402 import format: one message per 字軌, each its own import.
func TestImportE0402(t *testing.T) {
	lay := portal.DefaultLayout()
	lay.Blank.ImportFormat = "e0402"
	sim := startSim(t, portalsim.Options{ImportFormat: "e0402", Layout: lay})
	cl := newClient(t, options(sim, "53212539", "head", secret, nil))
	plan := upload(t, cl, map[string][]ranges.BlankRange{"f.csv": {rng("53212539", "AA", 0, 49), rng("53212539", "AB", 0, 9), rng("24549210", "AC", 5, 9)}}, "f.csv")
	if !plan.AllOnRecord() || len(plan.Files[0].Parcels) != 3 || sim.Imports() != 3 {
		t.Errorf("%s in %d parcels, %d imports", plan.Describe(), len(plan.Files[0].Parcels), sim.Imports())
	}
	// The simulator refuses a CSV when it takes E0402: the file is
	// refused whole, with the portal's reason.
	csv := portal.DefaultLayout()
	o := options(sim, "53212539", "head", secret, nil)
	l := *sim.Layout()
	l.Blank.ImportFormat = csv.Blank.ImportFormat
	o.Layout = &l
	plan = upload(t, newClient(t, o), map[string][]ranges.BlankRange{"g.csv": {rng("53212539", "AD", 0, 49)}}, "g.csv")
	if st := plan.Files[0].Ranges[0]; st.State != portal.Rejected || !strings.Contains(st.Reason.String(), portalsim.ReasonFormat) {
		t.Errorf("a CSV where E0402 is taken: %v %q", st.State, st.Reason)
	}
}

// A login refused during the plan's first request is told as itself, not
// as a failure to read the 字軌期別.
func TestPlanTellsRefusedLoginPlainly(t *testing.T) {
	sim := startSim(t, portalsim.Options{})
	cl := newClient(t, options(sim, "83012410", "shop", "wrong-"+secret, &captchas{}))
	_, err := cl.PlanUpload(context.Background(), period, map[string][]ranges.BlankRange{"a.csv": nil}, nil)
	if !errors.Is(err, portal.ErrLogin) || !strings.HasPrefix(err.Error(), "login refused") {
		t.Errorf("plan with a wrong password: %v; want the refused login itself", err)
	}
}
