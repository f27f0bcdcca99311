package cloud

import "testing"

func TestObservedGiB(t *testing.T) {
	obs := map[string]any{"status": map[string]any{"atProvider": map[string]any{"allocatedStorage": float64(400), "storageMb": float64(131072), "bad": "x"}}}
	cases := []struct {
		path    string
		div     int64
		want    int32
		wantOK  bool
		nilObjs bool
	}{
		{"status.atProvider.allocatedStorage", 1, 400, true, false},
		{"status.atProvider.storageMb", 1024, 128, true, false},
		{"status.atProvider.missing", 1, 0, false, false},
		{"status.atProvider.bad", 1, 0, false, false},
		{"status.atProvider.allocatedStorage", 1, 0, false, true},
	}
	for _, tc := range cases {
		o := obs
		if tc.nilObjs {
			o = nil
		}
		got, ok := ObservedGiB(o, tc.path, tc.div)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("ObservedGiB(%s) = %d, %v; want %d, %v", tc.path, got, ok, tc.want, tc.wantOK)
		}
	}
}
