// Package gcp renders the plan into the resources of a GKE-hosted Space:
// GKE node pools, the Persistent Disk CSI StorageClass, and the Cloud SQL
// PostgreSQL instance, database and user. Nothing else in the function
// knows GCP field names.
package gcp

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// Settings are the GCP settings of the XR.
type Settings = spec.GCP

// Renderer renders a plan for GCP.
type Renderer struct {
	Settings Settings
}

// New returns the GCP renderer of a spec.
func New(s *spec.Spec) cloud.Renderer {
	r := Renderer{}
	if s.GCP != nil {
		r.Settings = *s.GCP
	}
	return r
}

// Defaults are the GCP machine types and Cloud SQL tier.
func (Renderer) Defaults() spec.CloudDefaults {
	return spec.CloudDefaults{
		EtcdMachineTypes:          []string{DefaultEtcdMachineType},
		APIServerMachineTypes:     []string{DefaultAPIServerMachineType},
		ControlPlanesMachineTypes: []string{DefaultControlPlanesMachineType},
		InstanceSize:              DefaultTier,
	}
}

// Render returns the GCP resources of the plan: one node pool per role, the
// etcd StorageClass, and the database when the plan has one. It fails,
// with a field error, on a database without passwordSecretName (see
// ValidatePassword).
func (r Renderer) Render(p *plan.Plan, env cloud.Env) (*cloud.Output, error) {
	out := &cloud.Output{}
	apiVersion := env.Scope.APIVersion(NodePoolAPIVersion, NodePoolAPIVersionNamespaced)
	for i := range p.Pools {
		pool := &p.Pools[i]
		if len(pool.MachineTypes) == 0 {
			return nil, fmt.Errorf("pool %s has no machine type", pool.Role)
		}
		np := nodePool(p, pool, r.Settings.Project, env.Scope.Managed(env.ProviderConfig, compose.Delete), apiVersion, env.Labels, env.Tags)
		out.Resources = append(out.Resources, compose.Resource{Key: string(pool.Role) + "-nodepool", Component: cloud.ComponentOf(pool.Role), Object: np})
	}
	out.Resources = append(out.Resources, env.Delivery.InCluster("etcd-storageclass", cloud.ComponentStorage,
		compose.Name(p.XRName, "etcd", "storageclass"), storageClass(p.Storage, env.Labels)))
	if p.Database != nil {
		rs, db, err := r.database(p, env)
		if err != nil {
			return nil, err
		}
		out.Resources = append(out.Resources, rs...)
		out.Database = db
	}
	return out, nil
}

// ValidateSpec checks the GCP rules on the spec that the cloud-neutral
// validation cannot know: see ValidatePassword.
func (Renderer) ValidateSpec(s *spec.Spec) field.ErrorList {
	return ValidatePassword(s)
}
