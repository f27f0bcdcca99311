package aws

import (
	"slices"
	"strings"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// CatalogTypes lists every instance type the catalog sizes, sorted.
func CatalogTypes() []string {
	var out []string
	for family, sizes := range familySizes {
		for _, size := range sizes {
			if _, ok := sizeVCPU[size]; ok {
				out = append(out, family+"."+size)
			}
		}
	}
	slices.Sort(out)
	return out
}

// EBSBudget is an instance type's EBS budget.
func EBSBudget(machineType string) plan.NodeDiskBudget {
	family, size, _ := strings.Cut(machineType, ".")
	return ebsBudget(family, size)
}
