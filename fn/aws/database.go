package aws

import (
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
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

	// caCertificate is the RDS CA of the instance's TLS certificate.
	caCertificate = "rds-ca-rsa2048-g1"
	// observedStorageField is where the RDS instance reports its storage, in GiB.
	observedStorageField = "status.atProvider.allocatedStorage"
	// endpointFieldPath is where the RDS instance reports its host name.
	endpointFieldPath = "status.atProvider.address"
	// Keys of the RDS connection secret the function reads.
	connectionEndpointKey = "endpoint"
)

// SubnetGroup is an RDS DB subnet group.
type SubnetGroup = compose.Managed[SubnetGroupParameters, compose.None]

// SubnetGroupParameters are the SubnetGroup's settings.
type SubnetGroupParameters struct {
	Region      string            `json:"region,omitempty"`
	Description string            `json:"description,omitempty"`
	SubnetIDs   []string          `json:"subnetIds"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// Instance is an RDS DB instance.
type Instance = compose.Managed[InstanceParameters, compose.None]

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
func database(in cloud.In) ([]compose.Resource, *cloud.Database) {
	p, env, a := in.Plan, in.Env, in.Spec.AWS
	db := p.Database
	name := compose.Name(p.XRName, "postgres")
	protect := compose.Protection(db.DeletionProtection)
	st := ChooseStorage(db.StorageGiB, db.MinIOPS)
	var warns []string
	// Storage never shrinks: RDS refuses a smaller allocatedStorage, and
	// storage autoscaling may have grown it past the spec.
	if g, ok := cloud.ObservedGiB(env.Observed[KeyDatabaseInstance], observedStorageField, 1); ok && g > st.GiB {
		warns = append(warns, cloud.StorageKept(st.GiB, g, observedStorageField))
		st = ChooseStorage(g, db.MinIOPS)
	}

	sg := &SubnetGroup{
		TypeMeta: compose.TypeMeta{APIVersion: env.Scope.APIVersion(SubnetGroupAPIVersion, SubnetGroupAPIVersionNamespaced), Kind: "SubnetGroup"},
		Metadata: compose.ObjectMeta{Name: name},
		Spec: compose.ManagedResourceSpec[SubnetGroupParameters, compose.None]{
			ManagedSpec: env.Scope.Managed(env.ProviderConfig, protect),
			ForProvider: SubnetGroupParameters{
				Region:      p.Region,
				Description: "Query API database of Space " + p.XRName,
				SubnetIDs:   a.DatabaseSubnetIDs,
				Tags:        env.Tags,
			},
		},
	}

	password, generate := cloud.Password(in)
	ms := env.Scope.Managed(env.ProviderConfig, protect)
	ms.WriteConnectionSecretToRef = env.Scope.ConnectionSecret(compose.Name(p.XRName, "postgres", "connection"), env.SecretNamespace)
	inst := &Instance{
		TypeMeta: compose.TypeMeta{APIVersion: env.Scope.APIVersion(InstanceAPIVersion, InstanceAPIVersionNamespaced), Kind: "Instance"},
		Metadata: compose.ObjectMeta{Name: name},
		Spec: compose.ManagedResourceSpec[InstanceParameters, compose.None]{
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
				VPCSecurityGroupIDs:        a.DatabaseSecurityGroupIDs,
				PerformanceInsightsEnabled: true,
				Tags:                       env.Tags,
			},
		},
	}

	// RDS writes no CA to the connection secret: the CAs of the region's
	// certificates are a public bundle the user puts in caSecretName.
	ca := cloud.UserCA(in)
	if ca == nil {
		warns = append(warns, NoCAWarning(p.Region))
	}
	out := &cloud.Database{
		Status: statusOf(db.Version, st),
		// An RDS server certificate names the instance's endpoint, the host
		// the Query API dials (Amazon RDS User Guide, "Using SSL/TLS to
		// encrypt a connection to a DB instance").
		CA:        ca,
		CASSLMode: cloud.SSLModeVerifyFull,
		Key:       KeyDatabaseInstance,
		// The observed instance's host name.
		EndpointFieldPath: endpointFieldPath,
		Port:              cloud.PostgresPort,
		Username:          db.AdminUser,
		ConnectionSecret:  *ms.WriteConnectionSecretToRef,
		EndpointKey:       connectionEndpointKey,
		PasswordSecret:    *password,
		Warnings:          warns,
		// upjet-aws's RDS Instance writes username and password (with
		// endpoint, address and port) to its connection secret
		// (crossplane-contrib/provider-upjet-aws, config/rds/config.go).
		ConnectionSecretHasLogin: true,
	}
	return []compose.Resource{
		{Key: KeyDatabaseSubnetGroup, Component: cloud.ComponentDatabase, Object: sg},
		{Key: KeyDatabaseInstance, Component: cloud.ComponentDatabase, Object: inst},
	}, out
}

// RDSBundleURL is where AWS publishes the CA bundle of a region's RDS
// certificates (Amazon RDS User Guide, "Certificate bundles by AWS Region").
func RDSBundleURL(region string) string {
	return "https://truststore.pki.rds.amazonaws.com/" + region + "/" + region + "-bundle.pem"
}

// NoCAWarning says that without caSecretName the Query API trusts any
// server, and how to fix it.
func NoCAWarning(region string) string {
	return "spec.queryAPI.postgres.caSecretName is empty: the Query API connects to RDS with sslmode require, encrypted but trusting any server; " +
		"put the region's bundle (" + RDSBundleURL(region) + ") in a Secret under the key ca.crt and name it here for sslmode verify-full"
}

func statusOf(version string, st Storage) spec.DatabaseStatus {
	return spec.DatabaseStatus{
		Engine:      cloud.Engine,
		Version:     version,
		StorageType: st.Type,
		StorageGiB:  st.GiB,
		IOPS:        st.ProvidedIOPS,
	}
}

// RDS storage rules for PostgreSQL (Amazon RDS User Guide, "Amazon RDS DB
// instance storage"):
//   - gp3 gives a 3,000 IOPS baseline below 400 GiB and 12,000 from 400 GiB;
//     from 400 GiB it takes provisioned IOPS up to 64,000 (at most 500 per GiB);
//   - io2 takes provisioned IOPS from 0.5x to 50x the storage in GiB, up to 256,000.
const (
	gp3SmallBaselineIOPS = 3000
	gp3LargeThresholdGiB = 400
	gp3LargeBaselineIOPS = 12000
	gp3MaxIOPS           = 64000
	gp3MaxIOPSPerGiB     = 500
	io2MaxIOPSPerGiB     = 50
	io2MinIOPSPerGiBX2   = 1 // io2 IOPS >= storage / 2
	io2MaxIOPS           = 256000
)

// Storage is the storage an RDS instance gets.
type Storage struct {
	// Type is gp3 or io2.
	Type string
	// GiB allocated.
	GiB int32
	// IOPS is the provisioned IOPS, or 0 where the type's baseline applies.
	IOPS int32
	// ProvidedIOPS is what the storage delivers.
	ProvidedIOPS int32
}

// ChooseStorage picks the cheapest RDS storage that gives at least minIOPS
// with at least minGiB: gp3 at its baseline; gp3 grown to 400 GiB (the
// 12,000 IOPS baseline costs far less than provisioned IOPS); gp3 with
// provisioned IOPS from 400 GiB; io2 only beyond what gp3 can give.
func ChooseStorage(minGiB, minIOPS int32) Storage {
	switch {
	case minGiB < gp3LargeThresholdGiB && minIOPS <= gp3SmallBaselineIOPS:
		return Storage{Type: "gp3", GiB: minGiB, ProvidedIOPS: gp3SmallBaselineIOPS}
	case minIOPS <= gp3LargeBaselineIOPS:
		return Storage{Type: "gp3", GiB: max(minGiB, gp3LargeThresholdGiB), ProvidedIOPS: gp3LargeBaselineIOPS}
	case minIOPS <= gp3MaxIOPS:
		gib := max(minGiB, gp3LargeThresholdGiB, ceilDiv32(minIOPS, gp3MaxIOPSPerGiB))
		return Storage{Type: "gp3", GiB: gib, IOPS: minIOPS, ProvidedIOPS: minIOPS}
	default:
		iops := min(minIOPS, io2MaxIOPS)
		gib := max(minGiB, ceilDiv32(iops, io2MaxIOPSPerGiB))
		// io2 needs at least half an IOPS per GiB.
		iops = max(iops, ceilDiv32(gib, 2*io2MinIOPSPerGiBX2))
		return Storage{Type: "io2", GiB: gib, IOPS: iops, ProvidedIOPS: iops}
	}
}

func ceilDiv32(a, b int32) int32 { return (a + b - 1) / b }
