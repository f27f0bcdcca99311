package azure

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// ValidatePlan implements cloud.PlanValidator.
func (Renderer) ValidatePlan(p *plan.Plan) field.ErrorList { return Validate(p) }

// Warnings implements cloud.Warner.
func (Renderer) Warnings(p *plan.Plan) []string { return Warnings(p) }
