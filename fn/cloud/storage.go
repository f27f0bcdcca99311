package cloud

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// ObservedGiB reads a storage size from an observed resource, in GiB
// (divisor converts the field's unit: 1 for GiB, 1024 for MiB); false when
// the resource or the field is not there yet.
func ObservedGiB(observed map[string]any, path string, divisor int64) (int32, bool) {
	if observed == nil {
		return 0, false
	}
	// A dotted path of object fields: the status fields these are.
	v, found, err := unstructured.NestedFieldNoCopy(observed, strings.Split(path, ".")...)
	if err != nil || !found {
		return 0, false
	}
	var n int64
	switch t := v.(type) {
	case float64:
		n = int64(t)
	case int64:
		n = t
	case int32:
		n = int64(t)
	case int:
		n = int64(t)
	default:
		return 0, false
	}
	if n <= 0 || divisor <= 0 {
		return 0, false
	}
	g := n / divisor
	if g > 1<<30 {
		return 0, false
	}
	return int32(g), true //nolint:gosec // bounded above.
}

// StorageKept says that a database keeps the storage it has grown to:
// storage never shrinks (a smaller size fails, or replaces the database).
func StorageKept(wantGiB, observedGiB int32, observedField string) string {
	return fmt.Sprintf(
		"spec.queryAPI.postgres.storageGiB (with minIOPS) asks for %d GiB, but the database already has %d GiB (%s): storage never shrinks, so it keeps %d GiB; set storageGiB to at least %d to silence this",
		wantGiB, observedGiB, observedField, observedGiB, observedGiB)
}
