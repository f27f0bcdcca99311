package gcp

import (
	"strings"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// Cloud SQL API versions.
const (
	DatabaseInstanceAPIVersion           = "sql.gcp.upbound.io/v1beta2"
	DatabaseInstanceAPIVersionNamespaced = "sql.gcp.m.upbound.io/v1beta1"
	DatabaseAPIVersion                   = "sql.gcp.upbound.io/v1beta1"
	DatabaseAPIVersionNamespaced         = "sql.gcp.m.upbound.io/v1beta1"
	UserAPIVersion                       = "sql.gcp.upbound.io/v1beta2"
	UserAPIVersionNamespaced             = "sql.gcp.m.upbound.io/v1beta1"

	// Composition resource names of the database.
	KeyDatabaseInstance = "database-instance"
	KeyDatabase         = "database"
	KeyDatabaseUser     = "database-user"

	// Cloud SQL editions.
	EditionEnterprise     = "ENTERPRISE"
	EditionEnterprisePlus = "ENTERPRISE_PLUS"
	// perfOptimizedTierPrefix names the only tiers ENTERPRISE_PLUS takes.
	perfOptimizedTierPrefix = "db-perf-optimized-"

	// StorageType of the data disk, and the IOPS it gives per GiB.
	StorageType = "PD_SSD"
	IOPSPerGiB  = 30
	// MinDiskSizeGiB is Cloud SQL's smallest PD_SSD data disk.
	MinDiskSizeGiB = 10

	// MaxTransactionLogDays is how long an ENTERPRISE instance keeps the
	// write-ahead log for point-in-time recovery (ENTERPRISE_PLUS: 35).
	MaxTransactionLogDays     = 7
	MaxTransactionLogDaysPlus = 35

	// MaxInstanceNameLength keeps "<project>:<instance>" within Cloud SQL's
	// 98 characters for any project ID (at most 30).
	MaxInstanceNameLength = 63

	// ConnectionCAKey is the key of the instance's connection secret that
	// holds its server CA certificate (PEM).
	ConnectionCAKey = "serverCACertificateCert"

	// EndpointFieldPath is where the observed instance carries its private
	// IP address.
	EndpointFieldPath = "status.atProvider.privateIpAddress"

	// abandon leaves a database or user in place when its managed resource
	// is deleted: PostgreSQL refuses to drop a role that owns objects or a
	// database other roles can reach, and the instance's deletion removes
	// both anyway.
	abandon = "ABANDON"
)

// DatabaseInstance is a Cloud SQL instance.
type DatabaseInstance = compose.Managed[DatabaseInstanceParameters, DatabaseInstanceInitParameters]

// DatabaseInstanceParameters are the instance's settings.
type DatabaseInstanceParameters struct {
	DatabaseVersion string `json:"databaseVersion"`
	Region          string `json:"region"`
	Project         string `json:"project,omitempty"`
	// DeletionProtection guards the instance in the provider (Terraform
	// defaults it to true, so false is written too).
	DeletionProtection bool             `json:"deletionProtection"`
	Settings           InstanceSettings `json:"settings"`
}

// DatabaseInstanceInitParameters are set when the instance is created.
type DatabaseInstanceInitParameters struct {
	Settings InitSettings `json:"settings"`
}

// InitSettings are the instance settings set only at creation: the disk
// size, which disk autoresize grows and the provider must not shrink back.
type InitSettings struct {
	DiskSize int32 `json:"diskSize"`
}

// InstanceSettings are the settings of a Cloud SQL instance.
type InstanceSettings struct {
	Tier                      string              `json:"tier"`
	Edition                   string              `json:"edition"`
	AvailabilityType          string              `json:"availabilityType"`
	DiskType                  string              `json:"diskType"`
	DiskAutoresize            bool                `json:"diskAutoresize"`
	DeletionProtectionEnabled bool                `json:"deletionProtectionEnabled"`
	IPConfiguration           IPConfiguration     `json:"ipConfiguration"`
	BackupConfiguration       BackupConfiguration `json:"backupConfiguration"`
	LocationPreference        *LocationPreference `json:"locationPreference,omitempty"`
	UserLabels                map[string]string   `json:"userLabels,omitempty"`
}

// IPConfiguration makes the instance private.
type IPConfiguration struct {
	IPv4Enabled    bool   `json:"ipv4Enabled"`
	PrivateNetwork string `json:"privateNetwork"`
	SSLMode        string `json:"sslMode"`
}

// BackupConfiguration of automated backups and point-in-time recovery.
type BackupConfiguration struct {
	Enabled                     bool                    `json:"enabled"`
	PointInTimeRecoveryEnabled  bool                    `json:"pointInTimeRecoveryEnabled"`
	TransactionLogRetentionDays int32                   `json:"transactionLogRetentionDays"`
	BackupRetentionSettings     BackupRetentionSettings `json:"backupRetentionSettings"`
}

// BackupRetentionSettings says how many daily backups to keep.
type BackupRetentionSettings struct {
	RetainedBackups int32  `json:"retainedBackups"`
	RetentionUnit   string `json:"retentionUnit"`
}

// LocationPreference places the primary (and the standby) in zones of the
// Space cluster.
type LocationPreference struct {
	Zone          string `json:"zone,omitempty"`
	SecondaryZone string `json:"secondaryZone,omitempty"`
}

// Database is a database of a Cloud SQL instance.
type Database = compose.Managed[DatabaseParameters, compose.None]

// DatabaseParameters are the database's settings.
type DatabaseParameters struct {
	InstanceRef    *compose.Reference `json:"instanceRef"`
	Project        string             `json:"project,omitempty"`
	DeletionPolicy string             `json:"deletionPolicy,omitempty"`
}

// User is a built-in user of a Cloud SQL instance.
type User = compose.Managed[UserParameters, compose.None]

// UserParameters are the user's settings.
type UserParameters struct {
	InstanceRef       *compose.Reference         `json:"instanceRef"`
	Project           string                     `json:"project,omitempty"`
	Type              string                     `json:"type,omitempty"`
	PasswordSecretRef *compose.SecretKeySelector `json:"passwordSecretRef"`
	DeletionPolicy    string                     `json:"deletionPolicy,omitempty"`
}

// Edition is the Cloud SQL edition a tier needs: ENTERPRISE_PLUS for the
// db-perf-optimized-N-* tiers, the only ones it takes; ENTERPRISE for every
// other tier (db-custom-*, shared core). It is always written, because
// PostgreSQL 16 instances default to ENTERPRISE_PLUS and would refuse a
// custom tier.
func Edition(tier string) string {
	if strings.HasPrefix(tier, perfOptimizedTierPrefix) {
		return EditionEnterprisePlus
	}
	return EditionEnterprise
}

// DiskSizeGiB is the PD_SSD data disk that gives at least minIOPS (30 IOPS
// per GiB, so 14 GiB for 400) and at least storageGiB.
func DiskSizeGiB(storageGiB, minIOPS int32) int32 {
	forIOPS := (minIOPS + IOPSPerGiB - 1) / IOPSPerGiB
	return max(storageGiB, forIOPS, MinDiskSizeGiB)
}

// TransactionLogDays is how many days of write-ahead log point-in-time
// recovery keeps: the backup retention, capped by the edition.
func TransactionLogDays(backupDays int32, edition string) int32 {
	limit := int32(MaxTransactionLogDays)
	if edition == EditionEnterprisePlus {
		limit = MaxTransactionLogDaysPlus
	}
	return max(min(backupDays, limit), 1)
}

// InstanceName is the name of the Cloud SQL instance and its managed
// resource. Cloud SQL keeps a deleted instance's name reserved for a week.
func InstanceName(xrName string) string {
	return cloudName(MaxInstanceNameLength, xrName, "postgres")
}

// database renders the Query API's PostgreSQL: a private Cloud SQL instance
// (no public IP, TLS only) whose PD_SSD disk meets minIOPS, REGIONAL with
// HA, with backups and point-in-time recovery; the database; and the user
// the Query API connects as, whose password comes from the user's Secret.
// While deletion protection is on, deleting the XR orphans all three.
func database(in cloud.In) ([]compose.Resource, *cloud.Database) {
	p, env, g := in.Plan, in.Env, in.Spec.GCP
	db := p.Database
	project := g.Project
	protect := compose.Protection(db.DeletionProtection)
	name := InstanceName(p.XRName)
	tier := db.InstanceSize
	if tier == "" {
		tier = DefaultTier
	}
	edition := Edition(tier)
	disk := DiskSizeGiB(db.StorageGiB, db.MinIOPS)
	availability := "ZONAL"
	if db.HighAvailability {
		availability = "REGIONAL"
	}

	ms := env.Scope.Managed(env.ProviderConfig, protect)
	ms.WriteConnectionSecretToRef = env.Scope.ConnectionSecret(compose.Name(p.XRName, "postgres", "connection"), env.SecretNamespace)
	inst := &DatabaseInstance{
		TypeMeta: compose.TypeMeta{APIVersion: env.Scope.APIVersion(DatabaseInstanceAPIVersion, DatabaseInstanceAPIVersionNamespaced), Kind: "DatabaseInstance"},
		Metadata: compose.ObjectMeta{Name: name},
		Spec: compose.ManagedResourceSpec[DatabaseInstanceParameters, DatabaseInstanceInitParameters]{
			ManagedSpec: ms,
			ForProvider: DatabaseInstanceParameters{
				DatabaseVersion:    "POSTGRES_" + db.Version,
				Region:             p.Region,
				Project:            project,
				DeletionProtection: db.DeletionProtection,
				Settings: InstanceSettings{
					Tier:                      tier,
					Edition:                   edition,
					AvailabilityType:          availability,
					DiskType:                  StorageType,
					DiskAutoresize:            true,
					DeletionProtectionEnabled: db.DeletionProtection,
					IPConfiguration: IPConfiguration{
						IPv4Enabled:    false,
						PrivateNetwork: g.PrivateNetwork,
						SSLMode:        "ENCRYPTED_ONLY",
					},
					BackupConfiguration: BackupConfiguration{
						Enabled:                     true,
						PointInTimeRecoveryEnabled:  true,
						TransactionLogRetentionDays: TransactionLogDays(db.BackupRetentionDays, edition),
						BackupRetentionSettings:     BackupRetentionSettings{RetainedBackups: db.BackupRetentionDays, RetentionUnit: "COUNT"},
					},
					LocationPreference: locationPreference(p.Zones, db.HighAvailability),
					UserLabels:         cloudLabels(env.Tags),
				},
			},
			// Disk autoresize grows the disk; a size in forProvider would
			// have the provider shrink it back, which Cloud SQL refuses.
			InitProvider: &DatabaseInstanceInitParameters{Settings: InitSettings{DiskSize: disk}},
		},
	}

	instanceRef := &compose.Reference{Name: name}
	d := &Database{
		TypeMeta: compose.TypeMeta{APIVersion: env.Scope.APIVersion(DatabaseAPIVersion, DatabaseAPIVersionNamespaced), Kind: "Database"},
		// The managed resource's name is unique; the database's is db.Name.
		Metadata: compose.ObjectMeta{Name: compose.Name(p.XRName, "postgres", "database"), Annotations: map[string]string{compose.ExternalNameAnnotation: db.Name}},
		Spec: compose.ManagedResourceSpec[DatabaseParameters, compose.None]{
			ManagedSpec: env.Scope.Managed(env.ProviderConfig, protect),
			ForProvider: DatabaseParameters{InstanceRef: instanceRef, Project: project, DeletionPolicy: abandon},
		},
	}

	// Validation requires passwordSecretName: Cloud SQL cannot generate it.
	password, _ := cloud.Password(in)
	u := &User{
		TypeMeta: compose.TypeMeta{APIVersion: env.Scope.APIVersion(UserAPIVersion, UserAPIVersionNamespaced), Kind: "User"},
		Metadata: compose.ObjectMeta{Name: compose.Name(p.XRName, "postgres", "user"), Annotations: map[string]string{compose.ExternalNameAnnotation: db.AdminUser}},
		Spec: compose.ManagedResourceSpec[UserParameters, compose.None]{
			ManagedSpec: env.Scope.Managed(env.ProviderConfig, protect),
			ForProvider: UserParameters{
				InstanceRef:       instanceRef,
				Project:           project,
				Type:              "BUILT_IN",
				PasswordSecretRef: password,
				DeletionPolicy:    abandon,
			},
		},
	}

	// The instance's connection secret carries its server CA (upjet-gcp,
	// config/sql/config.go: serverCACertificateCert, from
	// server_ca_cert.0.cert); the user's caSecretName wins.
	ca := cloud.UserCA(in)
	if ca == nil {
		conn := *ms.WriteConnectionSecretToRef
		ca = &compose.SecretKeySelector{Name: conn.Name, Namespace: conn.Namespace, Key: ConnectionCAKey}
	}
	out := &cloud.Database{
		CA: ca,
		// verify-ca, not verify-full: the server certificate of Cloud SQL's
		// default, per-instance CA names the instance (project:instance),
		// not the private IP the Query API dials, so a host name check
		// would refuse every connection. The chain is still verified, to a
		// CA that signs only this instance's certificates.
		CASSLMode: cloud.SSLModeVerifyCA,
		Status: spec.DatabaseStatus{
			Engine:      cloud.Engine,
			Version:     db.Version,
			StorageType: StorageType,
			StorageGiB:  disk,
			IOPS:        disk * IOPSPerGiB,
		},
		Key:               KeyDatabaseInstance,
		EndpointFieldPath: EndpointFieldPath,
		Port:              cloud.PostgresPort,
		Username:          db.AdminUser,
		ConnectionSecret:  *ms.WriteConnectionSecretToRef,
		PasswordSecret:    *password,
		// upjet-gcp's DatabaseInstance writes its connection name, IPs and
		// server CA, no login (crossplane-contrib/provider-upjet-gcp,
		// config/sql/config.go), and a User writes only its password: the
		// credentials Secret is composed (username = the Cloud SQL user,
		// password from passwordSecretName) with either delivery.
		ConnectionSecretHasLogin: false,
	}
	return []compose.Resource{
		{Key: KeyDatabaseInstance, Component: cloud.ComponentDatabase, Object: inst},
		{Key: KeyDatabase, Component: cloud.ComponentDatabase, Object: d},
		{Key: KeyDatabaseUser, Component: cloud.ComponentDatabase, Object: u},
	}, out
}

// locationPreference puts the primary in the Space cluster's first zone and,
// with HA, the standby in its second.
func locationPreference(zones []string, ha bool) *LocationPreference {
	if len(zones) == 0 {
		return nil
	}
	lp := &LocationPreference{Zone: zones[0]}
	if ha && len(zones) > 1 {
		lp.SecondaryZone = zones[1]
	}
	return lp
}
