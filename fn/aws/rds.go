package aws

import (
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// RDS API versions: v1beta1 and v1beta2 of the cluster-scoped Instance are
// deprecated.
const (
	InstanceAPIVersion              = "rds.aws.upbound.io/v1beta3"
	InstanceAPIVersionNamespaced    = "rds.aws.m.upbound.io/v1beta1"
	SubnetGroupAPIVersion           = "rds.aws.upbound.io/v1beta1"
	SubnetGroupAPIVersionNamespaced = "rds.aws.m.upbound.io/v1beta1"

	// Composition resource names of the database.
	KeyDatabaseInstance    = "database-instance"
	KeyDatabaseSubnetGroup = "database-subnetgroup"

	postgresPort = 5432
	// caCertificate is the RDS CA of the instance's TLS certificate.
	caCertificate = "rds-ca-rsa2048-g1"
	// Keys of the RDS connection secret the function reads.
	connectionEndpointKey = "endpoint"
	passwordKey           = "password"
)

// SubnetGroup is an RDS DB subnet group.
type SubnetGroup = compose.Managed[SubnetGroupParameters, compose.None]

// SubnetGroupSpec is the spec of a SubnetGroup.
type SubnetGroupSpec = compose.ManagedResourceSpec[SubnetGroupParameters, compose.None]

// SubnetGroupParameters are the SubnetGroup's settings.
type SubnetGroupParameters struct {
	Region      string            `json:"region,omitempty"`
	Description string            `json:"description,omitempty"`
	SubnetIDs   []string          `json:"subnetIds"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// Instance is an RDS DB instance.
type Instance = compose.Managed[InstanceParameters, compose.None]

// InstanceSpec is the spec of an Instance.
type InstanceSpec = compose.ManagedResourceSpec[InstanceParameters, compose.None]

// InstanceParameters are the Instance's settings.
type InstanceParameters struct {
	Region                     string                     `json:"region,omitempty"`
	Engine                     string                     `json:"engine"`
	EngineVersion              string                     `json:"engineVersion"`
	InstanceClass              string                     `json:"instanceClass"`
	AllocatedStorage           int32                      `json:"allocatedStorage"`
	StorageType                string                     `json:"storageType"`
	IOPS                       int32                      `json:"iops,omitempty"`
	StorageEncrypted           bool                       `json:"storageEncrypted"`
	MultiAZ                    bool                       `json:"multiAz"`
	PubliclyAccessible         bool                       `json:"publiclyAccessible"`
	DeletionProtection         bool                       `json:"deletionProtection"`
	BackupRetentionPeriod      int32                      `json:"backupRetentionPeriod"`
	CopyTagsToSnapshot         bool                       `json:"copyTagsToSnapshot"`
	SkipFinalSnapshot          bool                       `json:"skipFinalSnapshot"`
	FinalSnapshotIdentifier    string                     `json:"finalSnapshotIdentifier,omitempty"`
	AutoMinorVersionUpgrade    bool                       `json:"autoMinorVersionUpgrade"`
	CACertIdentifier           string                     `json:"caCertIdentifier,omitempty"`
	DBName                     string                     `json:"dbName"`
	Username                   string                     `json:"username"`
	AutoGeneratePassword       bool                       `json:"autoGeneratePassword,omitempty"`
	PasswordSecretRef          *compose.SecretKeySelector `json:"passwordSecretRef"`
	DBSubnetGroupNameRef       *compose.Reference         `json:"dbSubnetGroupNameRef"`
	VPCSecurityGroupIDs        []string                   `json:"vpcSecurityGroupIds"`
	PerformanceInsightsEnabled bool                       `json:"performanceInsightsEnabled"`
	Tags                       map[string]string          `json:"tags,omitempty"`
}

// database renders the Query API's PostgreSQL: a subnet group from the
// database subnets and a private, encrypted, Multi-AZ (with HA) RDS instance
// whose storage meets minIOPS. The provider generates the master password
// into a Secret the function never reads; with passwordSecretName the
// user's Secret is used instead. While deletion protection is on, deleting
// the XR orphans the database.
func (r Renderer) database(p *plan.Plan, env cloud.Env) ([]compose.Resource, *cloud.Database) {
	db := p.Database
	name := compose.Name(p.XRName, "postgres")
	protect := compose.Protection(db.DeletionProtection)
	st := ChooseStorage(db.StorageGiB, db.MinIOPS)

	sg := &SubnetGroup{
		TypeMeta: compose.TypeMeta{APIVersion: env.Scope.APIVersion(SubnetGroupAPIVersion, SubnetGroupAPIVersionNamespaced), Kind: "SubnetGroup"},
		Metadata: compose.ObjectMeta{Name: name},
		Spec: SubnetGroupSpec{
			ManagedSpec: env.Scope.Managed(env.ProviderConfig, protect),
			ForProvider: SubnetGroupParameters{
				Region:      p.Region,
				Description: "Query API database of Space " + p.XRName,
				SubnetIDs:   r.Settings.DatabaseSubnetIDs,
				Tags:        env.Tags,
			},
		},
	}

	password := env.Scope.SecretKey(compose.Name(p.XRName, "postgres", "password"), env.SecretNamespace, passwordKey)
	generate := true
	if db.PasswordSecretName != "" {
		password = env.Scope.SecretKey(db.PasswordSecretName, env.SecretNamespace, passwordKey)
		generate = false
	}
	ms := env.Scope.Managed(env.ProviderConfig, protect)
	ms.WriteConnectionSecretToRef = env.Scope.ConnectionSecret(compose.Name(p.XRName, "postgres", "connection"), env.SecretNamespace)
	in := &Instance{
		TypeMeta: compose.TypeMeta{APIVersion: env.Scope.APIVersion(InstanceAPIVersion, InstanceAPIVersionNamespaced), Kind: "Instance"},
		Metadata: compose.ObjectMeta{Name: name},
		Spec: InstanceSpec{
			ManagedSpec: ms,
			ForProvider: InstanceParameters{
				Region:                     p.Region,
				Engine:                     "postgres",
				EngineVersion:              db.Version,
				InstanceClass:              db.InstanceSize,
				AllocatedStorage:           st.GiB,
				StorageType:                st.Type,
				IOPS:                       st.IOPS,
				StorageEncrypted:           true,
				MultiAZ:                    db.HighAvailability,
				PubliclyAccessible:         false,
				DeletionProtection:         db.DeletionProtection,
				BackupRetentionPeriod:      db.BackupRetentionDays,
				CopyTagsToSnapshot:         true,
				FinalSnapshotIdentifier:    compose.Name(p.XRName, "postgres", "final"),
				AutoMinorVersionUpgrade:    true,
				CACertIdentifier:           caCertificate,
				DBName:                     db.Name,
				Username:                   db.AdminUser,
				AutoGeneratePassword:       generate,
				PasswordSecretRef:          password,
				DBSubnetGroupNameRef:       &compose.Reference{Name: name},
				VPCSecurityGroupIDs:        r.Settings.DatabaseSecurityGroupIDs,
				PerformanceInsightsEnabled: true,
				Tags:                       env.Tags,
			},
		},
	}

	out := &cloud.Database{
		Status: statusOf(db.Version, st),
		Key:    KeyDatabaseInstance,
		// The observed instance's host name.
		EndpointFieldPath: "status.atProvider.address",
		Port:              postgresPort,
		Username:          db.AdminUser,
		ConnectionSecret:  *ms.WriteConnectionSecretToRef,
		EndpointKey:       connectionEndpointKey,
		PasswordSecret:    *password,
	}
	return []compose.Resource{
		{Key: KeyDatabaseSubnetGroup, Component: cloud.ComponentDatabase, Object: sg},
		{Key: KeyDatabaseInstance, Component: cloud.ComponentDatabase, Object: in},
	}, out
}

func statusOf(version string, st Storage) spec.DatabaseStatus {
	return spec.DatabaseStatus{
		Engine:      "postgres",
		Version:     version,
		StorageType: st.Type,
		StorageGiB:  st.GiB,
		IOPS:        st.ProvidedIOPS,
	}
}
