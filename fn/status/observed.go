package status

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// Observed are one request's observed composed resources by composition
// resource name, with each one's readiness read once however many steps
// of the request ask for it (the change model's rollout, the password
// keeper, the router's observer, status.components). Not safe for
// concurrent use: a request is composed on one goroutine.
type Observed struct {
	objects map[string]*unstructured.Unstructured
	ready   map[string]readiness
}

// readiness is what Ready says of one resource.
type readiness struct {
	ok  bool
	why string
}

// NewObserved wraps a request's observed composed resources; objects is
// read, never written.
func NewObserved(objects map[string]*unstructured.Unstructured) *Observed {
	return &Observed{objects: objects}
}

// Objects are the observed composed resources by key. Read-only.
func (o *Observed) Objects() map[string]*unstructured.Unstructured {
	return o.objects
}

// Get is the observed resource key; nil when it is not observed.
func (o *Observed) Get(key string) *unstructured.Unstructured {
	return o.objects[key]
}

// Ready is Ready of the observed resource key, read on the first call.
// What is not observed is not kept: its answer reads nothing.
func (o *Observed) Ready(key string) (bool, string) {
	obj := o.objects[key]
	if obj == nil {
		return Ready(nil)
	}
	if r, ok := o.ready[key]; ok {
		return r.ok, r.why
	}
	ok, why := Ready(obj)
	if o.ready == nil {
		o.ready = make(map[string]readiness, len(o.objects))
	}
	o.ready[key] = readiness{ok: ok, why: why}
	return ok, why
}
