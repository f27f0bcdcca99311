package fn

import (
	"github.com/crossplane-contrib/function-space-scaling/fn/aws"
	"github.com/crossplane-contrib/function-space-scaling/fn/azure"
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/gcp"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// registry holds the clouds the function composes for, by spec.cloud: one
// registration line per cloud package (see docs/design.md, "Adding a cloud").
var registry = map[spec.Cloud]*cloud.Cloud{
	spec.CloudAWS:   &aws.Cloud,
	spec.CloudGCP:   &gcp.Cloud,
	spec.CloudAzure: &azure.Cloud,
}
