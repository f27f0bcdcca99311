package cluster_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// What the fake cloud emulates of upjet's managed reconciler on an update,
// from the sources pinned below. Every upjet provider here (provider-upjet-
// aws, -gcp, -azure) uses the Terraform plugin SDK client with UseAsync,
// which is upjet's default (upjet pkg/config/common.go DefaultResource:
// UseAsync true; provider-upjet-aws config/cluster/rds/config.go sets it
// again for aws_db_instance), so an update runs in a goroutine and its error
// reaches the Synced condition through the async callback:
//
//   - upjet pkg/controller/external_tfpluginsdk.go Update(): assertNoForceNew
//     wraps "cannot change the value of the argument %q from %q to %q" with
//     "refuse to update the external resource because the following update
//     requires replacing it"; a Terraform apply error is "failed to update
//     the resource: %v" of the diagnostics;
//   - upjet pkg/terraform/errors/errors.go NewAsyncUpdateFailed wraps it with
//     "async update failed";
//   - upjet pkg/controller/api.go callbackFn sets LastAsyncOperation
//     (pkg/resource/conditions.go: False, reason AsyncUpdateFailure) and
//     Synced ReconcileError(errors.Wrap(err, "update failed")) (the same
//     words as crossplane-runtime pkg/reconciler/managed/reconciler.go
//     errReconcileUpdate for a synchronous Update). Ready is not touched:
//     it keeps its last value.
//   - While an async operation runs, upjet's Observe returns "exists and up
//     to date" without touching the status (external_async_tfpluginsdk.go
//     Observe), so during an update Ready stays what it was (True) and
//     status.atProvider keeps the values from before the update; only when
//     the operation ends does the callback set LastAsyncOperation Success
//     and Synced ReconcileSuccess, and the next Observe the new atProvider.
//     WithStatusUpdates(false) for Terraform plugin SDK resources (upjet
//     pkg/pipeline/templates/controller.go.tmpl), so there is no
//     AsyncOperation condition either.
//
// Pinned: crossplane/upjet dbfccb48a1c47e728eb91afb9aee7457cf9bfc05,
// crossplane/crossplane-runtime 4e7ed235565d24a6f6ad255aeacb82f09973b875,
// crossplane-contrib/provider-upjet-aws 75a4c57162d00616f8fb480f9153df5fa55b5a26.
const (
	upjetRefuseForceNew = "refuse to update the external resource because the following update requires replacing it"
	upjetAsyncUpdate    = "async update failed"
	upjetUpdateFailed   = "update failed" // upjet api.go errXPReconcileUpdate
	upjetApplyFailed    = "failed to update the resource"

	reasonAsyncUpdateFailure = "AsyncUpdateFailure"
	reasonSuccess            = "Success"
	typeLastAsyncOperation   = "LastAsyncOperation"

	// azurermZoneMessage is what azurerm's Flexible Server update returns
	// when zone changes other than by a swap with the standby zone
	// (terraform-provider-azurerm internal/services/postgres/
	// postgresql_flexible_server_resource.go, resourcePostgresqlFlexibleServerUpdate).
	// A server created without a zone gets one from Azure, and an update
	// for any other reason then plans the zone away and fails with it
	// (hashicorp/terraform-provider-azurerm#14397; Terraform users pin the
	// zone or ignore_changes it).
	azurermZoneMessage = "`zone` can only be changed when exchanged with the zone specified in `high_availability.0.standby_availability_zone`"

	// aksCycleDuration is how long the fake takes to cycle an AKS node pool
	// (minutes in Azure).
	aksCycleDuration = 8 * time.Second

	// fakeSubnetID is the subnet AKS reports for node pools composed
	// without one: the cluster's own (the cloud fills it in).
	fakeSubnetID = "/subscriptions/0/resourceGroups/spaces-rg/providers/Microsoft.Network/virtualNetworks/spaces/subnets/nodes"
)

// forceNewField is a spec.forProvider field whose change makes Terraform
// plan a replacement, which upjet refuses.
type forceNewField struct {
	group string // group prefix, matching the cluster-scoped and .m. groups
	kind  string
	path  string // under spec.forProvider, dotted
	// decreaseOnly: only a smaller value forces a new resource (a
	// CustomizeDiff ForceNew).
	decreaseOnly bool
	// set: a Terraform set, compared without order.
	set    bool
	source string
}

// forceNew are the ForceNew fields the fake emulates, with where each is
// ForceNew. Nothing else of the composed resources is.
var forceNew = []forceNewField{
	// terraform-provider-google google/services/container/node_config.go schemaNodeConfig()
	{group: "container.gcp.", kind: "NodePool", path: "nodeConfig.serviceAccount", source: "terraform-provider-google node_config.go schemaNodeConfig() service_account ForceNew"},
	{group: "container.gcp.", kind: "NodePool", path: "nodeConfig.oauthScopes", set: true, source: "terraform-provider-google node_config.go schemaNodeConfig() oauth_scopes ForceNew (a set)"},
	{group: "container.gcp.", kind: "NodePool", path: "nodeConfig.metadata", source: "terraform-provider-google node_config.go schemaNodeConfig() metadata ForceNew"},
	{group: "container.gcp.", kind: "NodePool", path: "nodeConfig.shieldedInstanceConfig", source: "terraform-provider-google node_config.go schemaNodeConfig() shielded_instance_config ForceNew"},
	// terraform-provider-google google/services/container/resource_container_node_pool.go
	{group: "container.gcp.", kind: "NodePool", path: "cluster", source: "terraform-provider-google resource_container_node_pool.go cluster ForceNew"},
	{group: "container.gcp.", kind: "NodePool", path: "location", source: "terraform-provider-google resource_container_node_pool.go location ForceNew"},
	// terraform-provider-google google/services/sql/resource_sql_database_instance.go
	{group: "sql.gcp.", kind: "DatabaseInstance", path: "region", source: "terraform-provider-google resource_sql_database_instance.go region ForceNew"},
	// terraform-provider-aws internal/service/rds/instance.go ResourceInstance()
	{group: "rds.aws.", kind: "Instance", path: "engine", source: "terraform-provider-aws rds/instance.go engine ForceNew"},
	{group: "rds.aws.", kind: "Instance", path: "dbName", source: "terraform-provider-aws rds/instance.go db_name ForceNew"},
	{group: "rds.aws.", kind: "Instance", path: "username", source: "terraform-provider-aws rds/instance.go username ForceNew"},
	{group: "rds.aws.", kind: "Instance", path: "storageEncrypted", source: "terraform-provider-aws rds/instance.go storage_encrypted ForceNew"},
	// terraform-provider-azurerm internal/services/postgres/postgresql_flexible_server_resource.go
	{group: "dbforpostgresql.azure.", kind: "FlexibleServer", path: "delegatedSubnetId", source: "azurerm postgresql_flexible_server_resource.go delegated_subnet_id ForceNew"},
	{group: "dbforpostgresql.azure.", kind: "FlexibleServer", path: "administratorLogin", source: "azurerm postgresql_flexible_server_resource.go CustomizeDiff: a new administrator_login ForceNew"},
	{group: "dbforpostgresql.azure.", kind: "FlexibleServer", path: "location", source: "azurerm commonschema.Location() ForceNew"},
	{group: "dbforpostgresql.azure.", kind: "FlexibleServer", path: "resourceGroupName", source: "azurerm commonschema.ResourceGroupName() ForceNew"},
	{group: "dbforpostgresql.azure.", kind: "FlexibleServer", path: "storageMb", decreaseOnly: true, source: "azurerm postgresql_flexible_server_resource.go CustomizeDiff: a smaller storage_mb ForceNew"},
	// terraform-provider-azurerm internal/services/containers/kubernetes_cluster_node_pool_resource.go
	{group: "containerservice.azure.", kind: "KubernetesClusterNodePool", path: "kubernetesClusterId", source: "azurerm kubernetes_cluster_node_pool_resource.go kubernetes_cluster_id ForceNew"},
}

// aksCycledFields are the node pool fields whose change azurerm applies by
// cycling the pool: a temporary pool is created, the pool deleted and
// created again, the temporary one deleted (terraform-provider-azurerm
// kubernetes_cluster_node_pool_resource.go cycleNodePoolProperties).
var aksCycledFields = []string{
	"vmSize", "osDiskSizeGb", "osDiskType", "maxPods", "zones", "vnetSubnetId", "kubeletConfig",
	"hostEncryptionEnabled", "fipsEnabled", "ultraSsdEnabled", "nodePublicIpEnabled", "podSubnetId",
}

// cloudFilled are the fields the cloud fills in when the spec leaves them
// out (Optional and Computed in the Terraform schema): unset in the spec,
// they are no difference to update.
var cloudFilled = map[string][]string{
	"KubernetesClusterNodePool": {"vnetSubnetId"},
	"FlexibleServer":            {"zone", "highAvailability.standbyAvailabilityZone"},
}

func groupMatches(group, prefix string) bool { return strings.HasPrefix(group, prefix) }

// forceNewChange returns upjet's error for the first ForceNew field (in the
// table's order) whose desired value differs from the external one, or "".
// Terraform names the argument in its own words: snake_case, ".0." into a
// nested block; a list or map is shown as JSON here (Terraform would name
// one element, such as "node_config.0.oauth_scopes.1234").
func forceNewChange(group, kind string, external, desired map[string]any) string {
	for _, f := range forceNew {
		if f.kind != kind || !groupMatches(group, f.group) {
			continue
		}
		was, _ := getPath(external, f.path)
		now, _ := getPath(desired, f.path)
		if sameValue(was, now, f.set) {
			continue
		}
		if f.decreaseOnly {
			a, aok := number(was)
			b, bok := number(now)
			if !aok || !bok || b >= a {
				continue
			}
		}
		return fmt.Sprintf("cannot change the value of the argument %q from %q to %q", tfArgument(f.path), tfValue(was), tfValue(now))
	}
	return ""
}

// upjetUpdateError is the Synced message of an async update that failed.
func upjetUpdateError(err string) string {
	return upjetUpdateFailed + ": " + upjetAsyncUpdate + ": " + err
}

// forceNewMessage is the whole Synced message of a refused ForceNew update.
func forceNewMessage(change string) string {
	return upjetUpdateError(upjetRefuseForceNew + ": " + change)
}

// applyErrorMessage is the whole Synced message of an update Terraform
// failed to apply: upjet formats the diagnostics with %v (a Diagnostic is
// {Severity Summary Detail AttributePath}; Severity Error is 0).
func applyErrorMessage(summary string) string {
	return upjetUpdateError(fmt.Sprintf("%s: [{0 %s  []}]", upjetApplyFailed, summary))
}

func tfArgument(path string) string {
	parts := strings.Split(path, ".")
	for i, p := range parts {
		parts[i] = snake(p)
	}
	return strings.Join(parts, ".0.")
}

func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func tfValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// normalize returns v as encoding/json decodes it (numbers as float64), so
// values read from the API server and built here compare equal.
func normalize(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return v
	}
	return out
}

func normalizeMap(m map[string]any) map[string]any {
	out, _ := normalize(m).(map[string]any)
	if out == nil {
		out = map[string]any{}
	}
	return out
}

func getPath(m map[string]any, path string) (any, bool) {
	var cur any = m
	for _, p := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = mm[p]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

func setPath(m map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	cur := m
	for _, p := range parts[:len(parts)-1] {
		next, ok := cur[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[p] = next
		}
		cur = next
	}
	cur[parts[len(parts)-1]] = v
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	}
	return 0, false
}

// sameValue compares two normalized values; set compares lists without
// order.
func sameValue(a, b any, set bool) bool {
	if set {
		as, aok := a.([]any)
		bs, bok := b.([]any)
		if aok && bok {
			x, y := strs(as), strs(bs)
			slices.Sort(x)
			slices.Sort(y)
			return slices.Equal(x, y)
		}
	}
	return reflect.DeepEqual(a, b)
}

func strs(l []any) []string {
	out := make([]string, len(l))
	for i, v := range l {
		out[i] = tfValue(v)
	}
	return out
}

// parameters is spec.forProvider without what is no parameter of the
// external resource: references and selectors, which upjet resolves into
// the fields they name.
func parameters(fp map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range fp {
		if strings.HasSuffix(k, "Ref") || strings.HasSuffix(k, "Refs") || strings.HasSuffix(k, "Selector") {
			if !strings.HasSuffix(k, "SecretRef") {
				continue
			}
		}
		out[k] = v
	}
	return out
}

// differs lists the top-level parameters whose desired value differs from
// the external one; a cloud-filled field left out of the spec does not.
func differs(kind string, external, desired map[string]any) []string {
	var out []string
	keys := map[string]bool{}
	for k := range external {
		keys[k] = true
	}
	for k := range desired {
		keys[k] = true
	}
	for k := range keys {
		was, now := external[k], desired[k]
		if _, set := desired[k]; !set && isCloudFilled(kind, k) {
			continue
		}
		if reflect.DeepEqual(withoutFilled(kind, k, was, now), now) {
			continue
		}
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func isCloudFilled(kind, key string) bool {
	return slices.Contains(cloudFilled[kind], key)
}

// withoutFilled returns the external value of the top-level key without
// the nested cloud-filled fields the desired value leaves out.
func withoutFilled(kind, key string, was, now any) any {
	wm, ok := was.(map[string]any)
	if !ok {
		return was
	}
	nm, _ := now.(map[string]any)
	var c map[string]any
	for _, f := range cloudFilled[kind] {
		top, rest, nested := strings.Cut(f, ".")
		if !nested || top != key {
			continue
		}
		if _, set := getPath(nm, rest); set {
			continue
		}
		if c == nil {
			c = normalizeMap(wm)
		}
		deletePath(c, rest)
	}
	if c == nil {
		return was
	}
	return c
}

func deletePath(m map[string]any, path string) {
	parts := strings.Split(path, ".")
	cur := m
	for _, p := range parts[:len(parts)-1] {
		next, ok := cur[p].(map[string]any)
		if !ok {
			return
		}
		cur = next
	}
	delete(cur, parts[len(parts)-1])
}

// aksCycles reports whether applying desired to an AKS node pool cycles
// it: a cycled field changes, or the spec leaves vnetSubnetId out or names
// another subnet than the pool's (the permanent-diff trap: the subnet AKS
// filled in is in the state, and the update plans it away).
func aksCycles(external, desired map[string]any) []string {
	var out []string
	for _, f := range aksCycledFields {
		was, now := external[f], desired[f]
		if f == "vnetSubnetId" {
			if now == nil || !reflect.DeepEqual(was, now) {
				out = append(out, f)
			}
			continue
		}
		if !reflect.DeepEqual(was, now) {
			out = append(out, f)
		}
	}
	return out
}

// flexibleServerZoneError reports azurerm's error for an update of a
// Flexible Server whose spec leaves out the zone or names another zone
// than the server's, unless it swaps it with the standby zone.
func flexibleServerZoneError(external, desired map[string]any) string {
	zone, _ := external["zone"].(string)
	want, _ := desired["zone"].(string)
	if want != "" && want == zone {
		return ""
	}
	standby, _ := getPath(external, "highAvailability.standbyAvailabilityZone")
	wantStandby, _ := getPath(desired, "highAvailability.standbyAvailabilityZone")
	if want != "" && want == standby && wantStandby == zone {
		return "" // a swap, which azurerm does by a failover
	}
	return applyErrorMessage(azurermZoneMessage)
}
