package generate

import (
	"strings"
	"testing"
	"time"
)

// TestVOSSOptionErrors: options that would write a bundle with no defect
// where one was asked for, a reference bundle that fails verification, or
// take the machine's memory are refused, each with what to change; the
// same options otherwise valid write a bundle.
func TestVOSSOptionErrors(t *testing.T) {
	valid := func() VOSSOptions {
		return VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", At: time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC), Customers: 2}
	}
	if _, err := VOSS(valid()); err != nil {
		t.Fatalf("the valid options: %v", err)
	}
	for _, c := range []struct {
		name string
		edit func(*VOSSOptions)
		want string
	}{
		{"negative customers", func(o *VOSSOptions) { o.Customers = -1 }, "must be 0 to 5000000"},
		{"too many customers", func(o *VOSSOptions) { o.Customers = maxVOSSCustomers + 1 }, "must be 0 to 5000000"},
		{"negative patches", func(o *VOSSOptions) { o.Patches = -3 }, "cannot be negative"},
		{"negative adaptations", func(o *VOSSOptions) { o.Adaptations = -1 }, "cannot be negative"},
		{"carriage return in the provider", func(o *VOSSOptions) { o.Provider = "a\rb" }, "control character U+000D"},
		{"DEL in the host", func(o *VOSSOptions) { o.Host = "a\x7fb" }, "control character U+007F"},
		{"bidi override in the host", func(o *VOSSOptions) { o.Host = "a\u202eb" }, "bidirectional control character U+202E"},
		{"invalid UTF-8 in the provider", func(o *VOSSOptions) { o.Provider = "a\xffb" }, "not valid UTF-8"},
		{"year 0", func(o *VOSSOptions) { o.At = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC) }, "years 1900 to 9000"},
		{"year 9999", func(o *VOSSOptions) { o.At = time.Date(9999, 12, 31, 23, 59, 0, 0, time.UTC) }, "years 1900 to 9000"},
		{"a row defect without customers", func(o *VOSSOptions) { o.Customers, o.Defect = 0, "anon.count" }, "needs --customers 1"},
		{"formula injection without customers", func(o *VOSSOptions) { o.Customers, o.Defect = 0, "csv.formula-injection" }, "needs --customers 1"},
		{"a customer set defect without customers", func(o *VOSSOptions) { o.Customers, o.Defect = 0, "recon.customer-set" }, "needs --customers 1"},
	} {
		o := valid()
		c.edit(&o)
		_, err := VOSS(o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one saying %q", c.name, err, c.want)
		}
	}
}

// TestVOSSDefectsWithOneCustomer: every defect can be written with the
// fewest customers it asks for.
func TestVOSSDefectsWithOneCustomer(t *testing.T) {
	for _, d := range VOSSDefects() {
		o := VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", At: time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC), Customers: 1, Defect: d}
		if _, err := VOSS(o); err != nil {
			t.Errorf("%s with one customer: %v", d, err)
		}
	}
}

// TestVOSSZeroTime: a zero export time is the command line's default, not
// the year 1, which the years bound refuses.
func TestVOSSZeroTime(t *testing.T) {
	files, err := VOSS(VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !strings.Contains(f.name, "_2026-11-01_0300.") {
			t.Errorf("%s: not stamped 2026-11-01_0300", f.name)
		}
	}
}
