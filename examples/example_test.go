package examples_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges/job"
)

// The many-branch job from Go: load the config, run it, look at each
// branch, and write the files (here, only list them).
func Example() {
	cfg, err := job.LoadConfig("branches/blanktrack.toml")
	if err != nil {
		log.Fatal(err)
	}
	res, err := job.Run(context.Background(), cfg.Spec(time.Now()))
	if err != nil {
		log.Fatal(err)
	}
	for _, br := range res.Branches {
		fmt.Println(br.Label(), br.Ban, len(br.Blank.Ranges), "blank ranges", br.Err)
	}
	for _, f := range res.Files() { // res.Write(ctx, "out") writes them
		fmt.Println(f.Name)
	}
	// Output:
	// 總公司 53212539 2 blank ranges <nil>
	// 台北門市 24549210 1 blank ranges <nil>
	// 台中門市 22099131 1 blank ranges <nil>
	// 高雄門市 04595257 1 blank ranges <nil>
	// 04595257_11510.csv
	// 22099131_11510.csv
	// 24549210_11510.csv
	// 53212539_11510.csv
	// E0402_53212539_04595257_11510_07_TD.xml
	// E0402_53212539_22099131_11510_07_TC.xml
	// E0402_53212539_24549210_11510_07_TB.xml
	// E0402_53212539_53212539_11510_07_TA.xml
}
