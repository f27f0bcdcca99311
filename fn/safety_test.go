package fn

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

var clouds = []string{"xr-aws", "xr-gcp", "xr-azure"}

// observeAll turns the desired resources of a first run into observed ones,
// ready, as Crossplane would report them once everything exists.
func observeAll(t *testing.T, rsp *fnv1.RunFunctionResponse) map[string]map[string]any {
	t.Helper()
	obs := map[string]map[string]any{}
	for k, r := range rsp.GetDesired().GetResources() {
		m := r.GetResource().AsMap()
		m["status"] = map[string]any{
			"atProvider": map[string]any{"address": "db.internal", "privateIpAddress": "10.1.2.3", "fqdn": "db.postgres.database.azure.com"},
			"conditions": []any{map[string]any{"type": "Ready", "status": "True"}},
		}
		obs[k] = m
	}
	return obs
}

// TestDeterminism: identical requests give byte-identical responses, whatever
// order the observed and desired maps are built in.
func TestDeterminism(t *testing.T) {
	for _, base := range clouds {
		t.Run(base, func(t *testing.T) {
			xr := readXR(t, "../example/"+base+".yaml")
			obs := observeAll(t, run(t, newRequest(t, xr, nil)))
			keys := make([]string, 0, len(obs))
			for k := range obs {
				keys = append(keys, k)
			}
			var first []byte
			for i := range 50 {
				rng := rand.New(rand.NewPCG(uint64(i), 7)) //nolint:gosec // shuffling, not security.
				rng.Shuffle(len(keys), func(a, b int) { keys[a], keys[b] = keys[b], keys[a] })
				req := newRequest(t, xr, nil)
				req.Desired = &fnv1.State{Resources: map[string]*fnv1.Resource{}}
				for _, k := range keys {
					s, err := structpb.NewStruct(obs[k])
					if err != nil {
						t.Fatal(err)
					}
					req.Observed.Resources[k] = &fnv1.Resource{Resource: s}
					// What an earlier pipeline step composed is kept as is.
					req.Desired.Resources["earlier-"+k] = &fnv1.Resource{Resource: s}
				}
				b, err := proto.MarshalOptions{Deterministic: true}.Marshal(run(t, req))
				if err != nil {
					t.Fatal(err)
				}
				if first == nil {
					first = b
					continue
				}
				if !bytes.Equal(first, b) {
					t.Fatalf("run %d differs from run 0", i)
				}
			}
		})
	}
}

// TestNoDataLoss: with the database observed, a change that would drop or
// replace it is refused on every cloud, until allowReplacement says so.
func TestNoDataLoss(t *testing.T) {
	for _, base := range clouds {
		t.Run(base, func(t *testing.T) {
			xr := readXR(t, "../example/"+base+".yaml")
			first := run(t, newRequest(t, xr, nil))
			obs := observeAll(t, first)
			// status.cloud as the first run recorded it.
			xr["status"] = first.GetDesired().GetComposite().GetResource().AsMap()["status"]

			t.Run("QueryAPIOff", func(t *testing.T) {
				off := readXR(t, "../example/"+base+".yaml")
				off["status"] = xr["status"]
				testutil.Set(off, "spec.queryAPI.enabled", false)
				rsp := run(t, newRequest(t, off, obs))
				assertFatal(t, rsp, "spec.queryAPI: Forbidden: this change would delete or replace the Query API database: database", "allowReplacement: true")

				testutil.Set(off, "spec.queryAPI.postgres.allowReplacement", true)
				rsp = run(t, newRequest(t, off, obs))
				for k := range rsp.GetDesired().GetResources() {
					if strings.HasPrefix(k, "database") {
						t.Errorf("with allowReplacement the database %s must go", k)
					}
				}
				if len(rsp.GetDesired().GetResources()) == 0 {
					t.Error("nothing composed with allowReplacement")
				}
			})
			t.Run("CloudChanged", func(t *testing.T) {
				moved := readXR(t, "../example/xr-aws.yaml")
				was := "gcp"
				if base == "xr-gcp" {
					was = "azure"
				}
				moved["status"] = map[string]any{"cloud": was}
				assertFatal(t, run(t, newRequest(t, moved, obs)), "spec.cloud: Forbidden: cloud is immutable: this XR runs on "+was)
			})
			t.Run("OtherCloudDatabaseObserved", func(t *testing.T) {
				// Without status.cloud (an old XR), the observed database of
				// another cloud still cannot be replaced.
				other := "../example/xr-azure.yaml"
				if base == "xr-azure" {
					other = "../example/xr-aws.yaml"
				}
				assertFatal(t, run(t, newRequest(t, readXR(t, other), obs)), "spec.queryAPI: Forbidden: this change would delete or replace the Query API database")
			})
			t.Run("ProtectedOnDelete", func(t *testing.T) {
				for k, r := range first.GetDesired().GetResources() {
					// Every resource that holds data; a server setting such as
					// Azure's require_secure_transport holds none.
					if !strings.HasPrefix(k, "database") || k == "database-tls" {
						continue
					}
					if got := testutil.Get(r.GetResource().AsMap(), "spec", "deletionPolicy"); got != "Orphan" {
						t.Errorf("%s: deletionPolicy %v, want Orphan while deletionProtection is on", k, got)
					}
				}
			})
		})
	}
}

func assertFatal(t *testing.T, rsp *fnv1.RunFunctionResponse, wants ...string) {
	t.Helper()
	if len(rsp.GetResults()) != 1 || rsp.GetResults()[0].GetSeverity() != fnv1.Severity_SEVERITY_FATAL {
		t.Fatalf("want one Fatal result, got %v", rsp.GetResults())
	}
	if n := len(rsp.GetDesired().GetResources()); n != 0 {
		t.Errorf("a Fatal result composed %d resources", n)
	}
	for _, w := range wants {
		if !strings.Contains(rsp.GetResults()[0].GetMessage(), w) {
			t.Errorf("the Fatal result does not say %q:\n%s", w, rsp.GetResults()[0].GetMessage())
		}
	}
}

func fatalIn(rsp *fnv1.RunFunctionResponse) bool {
	return slices.ContainsFunc(rsp.GetResults(), func(r *fnv1.Result) bool { return r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL })
}

// recorder is a logger that keeps every line, debug included.
type recorder struct {
	mu    *sync.Mutex
	lines *[]string
	kv    []any
}

func (r recorder) Info(msg string, kv ...any)  { r.add("INFO", msg, kv) }
func (r recorder) Debug(msg string, kv ...any) { r.add("DEBUG", msg, kv) }
func (r recorder) WithValues(kv ...any) logging.Logger {
	return recorder{mu: r.mu, lines: r.lines, kv: append(append([]any{}, r.kv...), kv...)}
}

func (r recorder) add(level, msg string, kv []any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*r.lines = append(*r.lines, fmt.Sprint(level, " ", msg, " ", r.kv, " ", kv))
}

// TestNoSecretsInOutput feeds a known password and connection values through
// observed state and connection details, and scans every output.
func TestNoSecretsInOutput(t *testing.T) {
	const password = "pa55-Zq81-very-secret"
	const connHost = "conn-only-host.internal"
	secrets := []string{password, base64.StdEncoding.EncodeToString([]byte(password)), connHost}
	for _, base := range clouds {
		t.Run(base, func(t *testing.T) {
			xr := readXR(t, "../example/"+base+".yaml")
			obs := observeAll(t, run(t, newRequest(t, xr, nil)))
			// Secrets where a careless function might pick them up.
			// (Under a key of another pipeline step: an observed resource
			// of the function's own that it no longer composes would make
			// the run Fatal, and the success path must be scanned too.)
			obs["other-step-password"] = map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "pw"},
				"data": map[string]any{"password": secrets[1]}, "stringData": map[string]any{"password": password}}
			for _, o := range obs {
				testutil.Set(o, "status.atProvider.password", password)
			}
			req := newRequest(t, xr, obs)
			for _, r := range req.GetObserved().GetResources() {
				r.ConnectionDetails = map[string][]byte{"password": []byte(password), "endpoint": []byte(connHost + ":5432"), "username": []byte("upbound")}
			}
			var lines []string
			f := New(WithLogger(recorder{mu: &sync.Mutex{}, lines: &lines}))
			rsp, err := f.RunFunction(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(rsp.GetDesired().GetResources()); n == 0 || fatalIn(rsp) {
				t.Fatalf("the valid run must succeed and compose, so its output is scanned: %d resources, results %v", n, rsp.GetResults())
			}
			if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "DEBUG composed") }) {
				t.Fatalf("the success path's debug line was not captured: %v", lines)
			}
			// An invalid variant exercises the error paths too.
			testutil.Set(xr, "spec.nodePools.etcd.minNodes", 1)
			rsp2, err := f.RunFunction(context.Background(), newRequest(t, xr, obs))
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			for _, r := range []*fnv1.RunFunctionResponse{rsp, rsp2} {
				b, err := protojson.Marshal(r)
				if err != nil {
					t.Fatal(err)
				}
				out.Write(b)
			}
			out.WriteString(strings.Join(lines, "\n"))
			if len(lines) == 0 {
				t.Error("no log lines captured: the scan would prove nothing")
			}
			for _, s := range secrets {
				if strings.Contains(out.String(), s) {
					t.Errorf("%q appears in the output", s)
				}
			}
		})
	}
}

// TestDataLossGuardReadsLabels: the guard recognises the function's
// database by the label it sets, not by a name prefix: another step's
// "database-backup-bucket" is not the Query API's database, while an
// unlabelled database resource composed by an older version still is.
func TestDataLossGuardReadsLabels(t *testing.T) {
	xr := readXR(t, "../example/xr-aws.yaml")
	obs := observeAll(t, run(t, newRequest(t, xr, nil)))
	obs["database-backup-bucket"] = map[string]any{"apiVersion": "s3.aws.upbound.io/v1beta2", "kind": "Bucket", "metadata": map[string]any{"name": "backups"}}
	if rsp := run(t, newRequest(t, xr, obs)); fatalIn(rsp) {
		t.Errorf("another step's database-named resource made the XR Fatal: %v", rsp.GetResults())
	}

	// A resource the function labelled as its database, under a key it no
	// longer composes, is still the Query API's data: the guard reads the
	// label from the observed object, not just the key.
	labelled := map[string]map[string]any{}
	for k, o := range obs {
		labelled[k] = o
	}
	labelled["database-renamed"] = map[string]any{"apiVersion": "rds.aws.upbound.io/v1beta3", "kind": "Instance", "metadata": map[string]any{
		"name": "renamed", "labels": map[string]any{compose.LabelComponent: "database"},
	}}
	assertFatal(t, run(t, newRequest(t, xr, labelled)), "would delete or replace the Query API database: database-renamed (Instance renamed)")

	// Before the label: an older version's database resources.
	legacy := map[string]map[string]any{}
	for k, o := range obs {
		delete(o["metadata"].(map[string]any), "labels")
		legacy[k] = o
	}
	testutil.Set(xr, "spec.queryAPI.enabled", false)
	assertFatal(t, run(t, newRequest(t, xr, legacy)), "would delete or replace the Query API database: database-instance (Instance")
}
