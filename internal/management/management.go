// Package management holds the tests of the management-plane examples in
// example/management: the PrometheusRule (every expression parses, the
// manifest validates against the Prometheus Operator's CRD, every metric it
// reads exists in the function or in Crossplane's source), the
// DeploymentRuntimeConfig (decodes strictly into Crossplane's type and
// validates against Crossplane's CRD), the PodDisruptionBudget and the
// PodMonitor (they select the labels Crossplane puts on the function's
// pods).
package management

// Namespace is where Crossplane runs, and with it the function's pods.
const Namespace = "crossplane-system"

// FunctionName is the Function's name in example/functions.yaml: Crossplane
// labels the function's pods and its metrics (function_name) with it.
const FunctionName = "crossplane-contrib-function-space-scaling"
