package change

// Kubernetes' own rules, whatever the cloud.

// storageClassSource is where the API server forbids StorageClass updates.
const storageClassSource = "kubernetes pkg/apis/storage/validation/validation.go ValidateStorageClassUpdate"

// NewSpaceWay is how to make a change that no running Space can take.
const NewSpaceWay = "put the field back, or create a new Space (a new XSpaceScaling) and move the control planes to it"

// StorageClassRules are the StorageClass fields the API server forbids
// changing (only allowVolumeExpansion may change). causes are the XR
// fields the cloud computes the StorageClass from; why says what a change
// means for the etcd volumes. A cloud adds rules of its own for single
// parameters where a change means more (see gcp).
func StorageClassRules(causes []string, why string) Rules {
	r := func(path string, whole bool) Rule {
		return Rule{
			Groups: []string{"storage.k8s.io"}, Kind: "StorageClass", Path: path, Whole: whole,
			Effect: ForbiddenByAPIServer, Source: storageClassSource, Causes: causes, Way: NewSpaceWay,
			Why: "StorageClass " + path + " is immutable (\"updates to " + path + " are forbidden\"); " + why,
		}
	}
	// New parameters get a new StorageClass beside the running one: new
	// etcd volumes are made with it, and the volumes made before keep
	// theirs, which stays so that they can still be expanded (volume
	// expansion reads the PVC's class: kubernetes
	// pkg/controller/volume/expand/expand_controller.go).
	params := r("parameters", true)
	params.Stage, params.Way = StageKeep, "staged: a new StorageClass named from the new parameters takes the new etcd volumes; the old one stays for the volumes made with it"
	return Rules{params, r("provisioner", false), r("reclaimPolicy", false), r("volumeBindingMode", false)}
}
