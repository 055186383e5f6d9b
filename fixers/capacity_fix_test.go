package fixers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/engine"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/kio"
)

// TestCapacityInTheFix runs the rule over an app of six services with the
// default load: each gets an autoscaler with max 84 (500 / 6 = 83.3,
// rounded up), which is what the user reads in the file.
func TestCapacityInTheFix(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n")
	for i := 1; i <= 6; i++ {
		fmt.Fprintf(&b, "    - name: svc-%d\n      type: webservice\n      properties:\n        image: shop/svc-%d:1.0\n        cpu: 500m\n", i, i)
	}
	f, err := kio.Parse("app.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Process(f, engine.Options{Config: config.Default(), Rules: []*fixers.Rule{fixers.Replicas}})
	if err != nil || !res.Changed() {
		t.Fatalf("changed %v, err %v", res.Changed(), err)
	}
	out, findings := string(res.After), res.Findings
	if n := strings.Count(out, "max: 84\n"); n != 6 {
		t.Errorf("%d of 6 services got max: 84:\n%s", n, out)
	}
	if len(findings) != 6 || !strings.Contains(findings[0].Message, "(min 3, max 84, CPU target 70%)") {
		t.Errorf("findings: %v", findings)
	}
}
