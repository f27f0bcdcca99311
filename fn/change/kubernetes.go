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
	return Rules{r("parameters", true), r("provisioner", false), r("reclaimPolicy", false), r("volumeBindingMode", false)}
}
