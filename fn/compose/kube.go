package compose

// Plain Kubernetes kinds the function delivers into the Space cluster. Only
// the fields the function sets are here.

// StorageClass is a storage.k8s.io/v1 StorageClass.
type StorageClass struct {
	TypeMeta             `json:",inline"`
	Metadata             ObjectMeta        `json:"metadata"`
	Provisioner          string            `json:"provisioner"`
	Parameters           map[string]string `json:"parameters,omitempty"`
	ReclaimPolicy        string            `json:"reclaimPolicy,omitempty"`
	VolumeBindingMode    string            `json:"volumeBindingMode,omitempty"`
	AllowVolumeExpansion bool              `json:"allowVolumeExpansion"`
}

// NewStorageClass returns the etcd StorageClass skeleton every cloud fills:
// volumes bound where the pod lands (WaitForFirstConsumer, so a zonal disk
// follows the etcd member's node), expandable, deleted with their claim.
func NewStorageClass(name, provisioner string, params map[string]string) *StorageClass {
	return &StorageClass{
		TypeMeta:             TypeMeta{APIVersion: "storage.k8s.io/v1", Kind: "StorageClass"},
		Metadata:             ObjectMeta{Name: name},
		Provisioner:          provisioner,
		Parameters:           params,
		ReclaimPolicy:        "Delete",
		VolumeBindingMode:    "WaitForFirstConsumer",
		AllowVolumeExpansion: true,
	}
}

// Secret is a v1 Secret. Data carries no secret value in anything the
// function composes (only the username): the password reaches it through
// Object references, never through the desired state.
type Secret struct {
	TypeMeta `json:",inline"`
	Metadata ObjectMeta        `json:"metadata"`
	Type     string            `json:"type,omitempty"`
	Data     map[string]string `json:"data,omitempty"`
}
