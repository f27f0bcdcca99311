// Package azure renders the plan into the resources of an AKS-hosted Space:
// AKS KubernetesClusterNodePools, the Azure Disk CSI StorageClass, and the
// Azure Database for PostgreSQL flexible server. Nothing else in the
// function knows Azure field names.
package azure

import (
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// Settings are the Azure settings of the XR.
type Settings = spec.Azure

// Renderer renders a plan for Azure.
type Renderer struct {
	Settings Settings
}

// New returns the Azure renderer of a spec.
func New(s *spec.Spec) cloud.Renderer {
	r := Renderer{}
	if s.Azure != nil {
		r.Settings = *s.Azure
	}
	return r
}

// Defaults are the Azure VM sizes and the Flexible Server SKU.
func (Renderer) Defaults() spec.CloudDefaults {
	return spec.CloudDefaults{
		EtcdMachineTypes:          []string{DefaultEtcdMachineType},
		APIServerMachineTypes:     []string{DefaultAPIServerMachineType},
		ControlPlanesMachineTypes: []string{DefaultControlPlanesMachineType},
		InstanceSize:              DefaultSKU,
	}
}

// Render returns the Azure resources of the plan: per pool a node pool,
// the etcd StorageClass, and, when the plan has a database, the flexible
// server, its database and its TLS setting. A plan Azure cannot serve (see
// Validate) is an error.
func (r Renderer) Render(p *plan.Plan, env cloud.Env) (*cloud.Output, error) {
	if errs := Validate(p); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	out := &cloud.Output{}
	for i := range p.Pools {
		pool := &p.Pools[i]
		out.Resources = append(out.Resources, compose.Resource{
			Key:       string(pool.Role) + "-nodepool",
			Component: cloud.ComponentOf(pool.Role),
			Object:    nodePool(p.XRName, pool, r.Settings, env),
		})
	}
	out.Resources = append(out.Resources, env.Delivery.InCluster("etcd-storageclass", cloud.ComponentStorage,
		compose.Name(p.XRName, "etcd", "storageclass"), storageClass(p.Storage, p.Spaces.EtcdVolumeSize, env.Labels)))
	if p.Database != nil {
		res, db := database(p, r.Settings, env)
		out.Resources = append(out.Resources, res...)
		out.Database = db
	}
	return out, nil
}

// Management policies. The Azure managed resources leave out
// LateInitialize: the function writes every field it cares about, and
// what it leaves out belongs to Azure. Late-initialized, the node pools'
// nodeCount would fight the cluster autoscaler, and the flexible server's
// zone and standbyAvailabilityZone would be pushed back after every
// failover.
var (
	policiesDelete = []string{"Observe", "Create", "Update", "Delete"}
	policiesOrphan = []string{"Observe", "Create", "Update"}
)

// managed is the Crossplane part of an Azure managed resource's spec.
func managed(env cloud.Env, p compose.Protection) compose.ManagedSpec {
	ms := env.Scope.Managed(env.ProviderConfig, p)
	if env.Scope.Orphans(p) {
		ms.ManagementPolicies = append([]string(nil), policiesOrphan...)
	} else {
		ms.ManagementPolicies = append([]string(nil), policiesDelete...)
	}
	return ms
}
