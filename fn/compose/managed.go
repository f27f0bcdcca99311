package compose

// Managed is a Crossplane managed resource whose provider settings are P
// (spec.forProvider) and I (spec.initProvider: set at creation only, for
// fields the cloud must not be asked to change later). Renderers name their
// kinds as aliases of it, e.g. type Instance = Managed[InstanceParameters, None].
type Managed[P, I any] struct {
	TypeMeta `json:",inline"`
	Metadata ObjectMeta                `json:"metadata"`
	Spec     ManagedResourceSpec[P, I] `json:"spec"`
}

// ManagedResourceSpec is the spec of a managed resource: Crossplane's part
// and the provider's.
type ManagedResourceSpec[P, I any] struct {
	ManagedSpec  `json:",inline"`
	ForProvider  P  `json:"forProvider"`
	InitProvider *I `json:"initProvider,omitempty"`
}

// None is the initProvider of a kind that has nothing to set at creation only.
type None struct{}
