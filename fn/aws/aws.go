// Package aws renders the plan into the resources of an EKS-hosted Space:
// Karpenter NodePools and EC2NodeClasses, the EBS CSI StorageClass, and the
// RDS PostgreSQL database. Nothing else in the function knows AWS field
// names.
package aws

import (
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// Settings are the AWS settings of the XR, defaulted.
type Settings = spec.AWS

// Renderer renders a plan for AWS.
type Renderer struct {
	Settings Settings
}

// New returns the AWS renderer of a spec.
func New(s *spec.Spec) cloud.Renderer {
	r := Renderer{}
	if s.AWS != nil {
		r.Settings = *s.AWS
	}
	return r
}

// Defaults are the AWS machine types and database instance class.
func (Renderer) Defaults() spec.CloudDefaults {
	return spec.CloudDefaults{
		EtcdMachineTypes:          []string{DefaultEtcdMachineType},
		APIServerMachineTypes:     []string{DefaultAPIServerMachineType},
		ControlPlanesMachineTypes: []string{DefaultControlPlanesMachineType},
		InstanceSize:              DefaultInstanceClass,
	}
}

// Render returns the AWS resources of the plan.
func (r Renderer) Render(p *plan.Plan, env cloud.Env) (*cloud.Output, error) {
	out := &cloud.Output{}
	for i := range p.Pools {
		pool := &p.Pools[i]
		var pc *plan.PoolCapacity
		for j := range p.Capacity.Pools {
			if p.Capacity.Pools[j].Role == pool.Role {
				pc = &p.Capacity.Pools[j]
			}
		}
		name := compose.Name(p.XRName, string(pool.Role))
		component := cloud.ComponentOf(pool.Role)
		out.Resources = append(out.Resources,
			env.Delivery.InCluster(string(pool.Role)+"-nodeclass", component, compose.Name(p.XRName, string(pool.Role), "nodeclass"),
				nodeClass(name, pool, r.Settings, env.Labels, env.Tags)),
			env.Delivery.InCluster(string(pool.Role)+"-nodepool", component, compose.Name(p.XRName, string(pool.Role), "nodepool"),
				nodePool(name, pool, pc, env.Labels)),
		)
	}
	out.Resources = append(out.Resources, env.Delivery.InCluster("etcd-storageclass", cloud.ComponentStorage,
		compose.Name(p.XRName, "etcd", "storageclass"), storageClass(p.Storage, env.Labels)))
	if p.Database != nil {
		rs, db := r.database(p, env)
		out.Resources = append(out.Resources, rs...)
		out.Database = db
	}
	return out, nil
}
