package azure

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// API versions and kinds of Azure Database for PostgreSQL flexible server
// (provider-upjet-azure v2).
const (
	FlexibleServerAPIVersion           = "dbforpostgresql.azure.upbound.io/v1beta2"
	FlexibleServerChildAPIVersion      = "dbforpostgresql.azure.upbound.io/v1beta1"
	FlexibleServerAPIVersionNamespaced = "dbforpostgresql.azure.m.upbound.io/v1beta1"
	FlexibleServerKind                 = "FlexibleServer"
	FlexibleServerDatabaseKind         = "FlexibleServerDatabase"
	FlexibleServerConfigurationKind    = "FlexibleServerConfiguration"
)

// Composition resource names of the database's resources.
const (
	KeyServer   = "database-server"
	KeyDatabase = "database"
	KeyTLS      = "database-tls"
)

// Database settings.
const (
	Charset = "UTF8"
	Collate = "en_US.utf8"
	HAMode  = "ZoneRedundant"

	// EndpointFieldPath is where the observed server carries its host name.
	EndpointFieldPath = "status.atProvider.fqdn"

	// Azure keeps backups 7 to 35 days.
	MinBackupRetentionDays = 7
	MaxBackupRetentionDays = 35

	secureTransport = "require_secure_transport"
)

// A Tier is a premium SSD performance tier and its provisioned IOPS.
type Tier struct {
	Name string
	IOPS int32
}

// Tiers are the premium SSD tiers of flexible server storage, in order
// (FACTS: "The 400 IOPS rule").
var Tiers = []Tier{
	{"P4", 120}, {"P6", 240}, {"P10", 500}, {"P15", 1100}, {"P20", 2300}, {"P30", 5000},
	{"P40", 7500}, {"P50", 7500}, {"P60", 16000}, {"P70", 18000}, {"P80", 20000},
}

// A StorageSize is one storageMb value flexible server accepts and the
// tiers it may run at: from its default tier up to its highest.
type StorageSize struct {
	MB               int32
	DefaultTier, Max string
}

// StorageSizes are every storageMb value flexible server accepts, in
// order, with the tiers Azure permits for each (the provider's storage_tier
// table): a disk runs at its default tier or any higher one up to P50
// below 4 TiB, only P50 at 4 TiB, P60..P70 at 8 TiB, P70..P80 at 16 TiB
// and P80 at 32 TiB.
var StorageSizes = []StorageSize{
	{32768, "P4", "P50"},
	{65536, "P6", "P50"},
	{131072, "P10", "P50"},
	{262144, "P15", "P50"},
	{524288, "P20", "P50"},
	{1048576, "P30", "P50"},
	{2097152, "P40", "P50"},
	{4193280, "P50", "P50"},
	{4194304, "P50", "P50"},
	{8388608, "P60", "P70"},
	{16777216, "P70", "P80"},
	{33553408, "P80", "P80"},
}

// Storage is the storage of a flexible server.
type Storage struct {
	// MB is storageMb, one of StorageSizes.
	MB int32
	// Tier is storageTier.
	Tier string
	// IOPS the tier provides.
	IOPS int32
}

// GiB is the storage size in GiB.
func (s Storage) GiB() int32 { return s.MB / 1024 }

// Type names the storage for status.database.storageType.
func (s Storage) Type() string { return "Premium SSD " + s.Tier }

// ChooseStorage picks the cheapest storage that holds minGiB and provides
// minIOPS. The rule: take the smallest storageMb of at least minGiB; run it
// at the lowest tier it permits (its default or higher) that provides
// minIOPS; if none does, try the next storageMb. Size is raised only when
// no tier of the smaller size is fast enough, since a tier costs less than
// the disk it would otherwise take. false when no size and tier can.
func ChooseStorage(minGiB, minIOPS int32) (Storage, bool) {
	minMB := int64(minGiB) * 1024
	for _, sz := range StorageSizes {
		if int64(sz.MB) < minMB {
			continue
		}
		from, to := tierIndex(sz.DefaultTier), tierIndex(sz.Max)
		for _, t := range Tiers[from : to+1] {
			if t.IOPS >= minIOPS {
				return Storage{MB: sz.MB, Tier: t.Name, IOPS: t.IOPS}, true
			}
		}
	}
	return Storage{}, false
}

func tierIndex(name string) int {
	for i, t := range Tiers {
		if t.Name == name {
			return i
		}
	}
	panic("unknown tier " + name)
}

// smallestSize is the smallest storageMb of at least minGiB.
func smallestSize(minGiB int32) int32 {
	for _, sz := range StorageSizes {
		if int64(sz.MB) >= int64(minGiB)*1024 {
			return sz.MB
		}
	}
	return 0
}

// MaxIOPS is the most any flexible server storage provides (P80).
func MaxIOPS() int32 { return Tiers[len(Tiers)-1].IOPS }

// BackupRetentionDays clamps the plan's retention into Azure's 7..35.
func BackupRetentionDays(days int32) int32 {
	return min(max(days, MinBackupRetentionDays), MaxBackupRetentionDays)
}

// Warnings are the choices Azure forces on the plan that the user should
// hear about: an etcd pool kept spanning zones, a backup retention raised
// to Azure's minimum, and storage grown beyond the request to reach
// minIOPS.
func Warnings(in cloud.In) []string {
	p := in.Plan
	var out []string
	if legacyEtcdPool(in) {
		out = append(out, "spec.nodePools.etcd: the AKS etcd pool spans the zones (composed before one pool per zone): the function keeps it, since replacing it would drain every etcd node at once; "+
			"the cluster autoscaler may not add an etcd node in the zone that needs one. See docs/capacity.md, \"Zonal etcd pools on AKS\", to move to one pool per zone")
	}
	db := p.Database
	if db == nil {
		return out
	}
	if d := BackupRetentionDays(db.BackupRetentionDays); d != db.BackupRetentionDays {
		out = append(out, fmt.Sprintf("spec.queryAPI.postgres.backupRetentionDays is %d, outside Azure's %d..%d: the database keeps backups for %d days",
			db.BackupRetentionDays, MinBackupRetentionDays, MaxBackupRetentionDays, d))
	}
	if st, ok := ChooseStorage(db.StorageGiB, db.MinIOPS); ok && st.MB > smallestSize(db.StorageGiB) {
		out = append(out, fmt.Sprintf("spec.queryAPI.postgres.minIOPS %d needs more storage on Azure: the database gets %d GiB (%s, %d IOPS) for the %d GiB asked",
			db.MinIOPS, st.GiB(), st.Type(), st.IOPS, db.StorageGiB))
	}
	return out
}

// HighAvailability of a flexible server. The zones are left to Azure: a
// failover swaps them, and a pinned zone would fight it.
type HighAvailability struct {
	Mode string `json:"mode"`
}

// FlexibleServer is an Azure Database for PostgreSQL flexible server.
type FlexibleServer = compose.Managed[FlexibleServerParameters, FlexibleServerInitParameters]

// FlexibleServerInitParameters are set on creation only: the storage size,
// which auto-grow owns afterwards (as Cloud SQL's auto-resize owns its
// disk), so the function never asks for less than the server has grown to.
type FlexibleServerInitParameters struct {
	StorageMb int32 `json:"storageMb"`
}

// observedStorageField is where the server reports its storage, in MiB.
const observedStorageField = "status.atProvider.storageMb"

// FlexibleServerParameters are the server fields the function sets.
type FlexibleServerParameters struct {
	Location                       string                     `json:"location"`
	ResourceGroupName              string                     `json:"resourceGroupName"`
	Version                        string                     `json:"version"`
	SkuName                        string                     `json:"skuName"`
	StorageTier                    string                     `json:"storageTier"`
	AutoGrowEnabled                bool                       `json:"autoGrowEnabled"`
	HighAvailability               *HighAvailability          `json:"highAvailability,omitempty"`
	BackupRetentionDays            int32                      `json:"backupRetentionDays"`
	GeoRedundantBackupEnabled      bool                       `json:"geoRedundantBackupEnabled"`
	PublicNetworkAccessEnabled     bool                       `json:"publicNetworkAccessEnabled"`
	DelegatedSubnetID              string                     `json:"delegatedSubnetId"`
	PrivateDNSZoneID               string                     `json:"privateDnsZoneId"`
	AdministratorLogin             string                     `json:"administratorLogin"`
	AdministratorPasswordSecretRef *compose.SecretKeySelector `json:"administratorPasswordSecretRef"`
	AutoGeneratePassword           bool                       `json:"autoGeneratePassword,omitempty"`
	Tags                           map[string]string          `json:"tags,omitempty"`
}

// FlexibleServerDatabase is a database of a flexible server.
type FlexibleServerDatabase = compose.Managed[DatabaseParameters, compose.None]

// DatabaseParameters are the database fields the function sets; its name
// is the external name.
type DatabaseParameters struct {
	ServerIDRef *compose.Reference `json:"serverIdRef"`
	Charset     string             `json:"charset"`
	Collation   string             `json:"collation"`
}

// ServerName is the flexible server's name in Azure, which is global (it
// is the first label of <name>.postgres.database.azure.com): the XR name,
// "pg" and a hash of the subscription and resource group, so that two
// tenants' XRs of the same name do not collide. Both already force a new
// server when they change, so the hash adds no replacement.
func ServerName(xrName string, s *spec.Azure) string {
	sum := sha256.Sum256([]byte(subscription(s.ClusterID) + "/" + strings.ToLower(s.ResourceGroupName)))
	return compose.Name(xrName, "pg", hex.EncodeToString(sum[:])[:8])
}

// subscription is the subscription ID of an Azure resource ID.
func subscription(id string) string {
	parts := strings.Split(id, "/")
	for i := 0; i+1 < len(parts); i++ {
		if strings.EqualFold(parts[i], "subscriptions") {
			return strings.ToLower(parts[i+1])
		}
	}
	return ""
}

// Names of the database's Kubernetes objects and Secrets.
func serverObjectName(xrName string) string     { return compose.Name(xrName, "postgres") }
func connectionSecretName(xrName string) string { return compose.Name(xrName, "postgres") }

// database renders the flexible server, its database and its TLS setting,
// and says how to reach it. The password never passes through the
// function: the provider generates it into a Secret (or reads the user's),
// and the connection Secret gets it from there.
func database(in cloud.In) ([]compose.Resource, *cloud.Database) {
	p, env, s := in.Plan, in.Env, in.Spec.Azure
	db := p.Database
	st, _ := ChooseStorage(db.StorageGiB, db.MinIOPS) // ValidatePlan refuses a plan it cannot serve.
	var warns []string
	// Storage never shrinks: a smaller storageMb replaces the server, and
	// auto-grow may have grown it past the spec. The tier follows the
	// size the server has.
	if g, ok := cloud.ObservedGiB(in.Env.Observed[KeyServer], observedStorageField, 1024); ok && int64(g)*1024 > int64(st.MB) {
		if kept, ok := ChooseStorage(g, db.MinIOPS); ok {
			warns = append(warns, cloud.StorageKept(st.MB/1024, g, observedStorageField))
			st = kept
		}
	}
	protection := compose.Delete
	if db.DeletionProtection {
		protection = compose.Orphan
	}
	serverName := serverObjectName(p.XRName)
	conn := env.Scope.ConnectionSecret(connectionSecretName(p.XRName), env.SecretNamespace)

	params := FlexibleServerParameters{
		Location:                   p.Region,
		ResourceGroupName:          s.ResourceGroupName,
		Version:                    db.Version,
		SkuName:                    db.InstanceSize,
		StorageTier:                st.Tier,
		AutoGrowEnabled:            true,
		BackupRetentionDays:        BackupRetentionDays(db.BackupRetentionDays),
		GeoRedundantBackupEnabled:  false,
		PublicNetworkAccessEnabled: false,
		DelegatedSubnetID:          s.DelegatedSubnetID,
		PrivateDNSZoneID:           s.PrivateDNSZoneID,
		AdministratorLogin:         db.AdminUser,
		Tags:                       env.Tags,
	}
	if params.SkuName == "" {
		params.SkuName = DefaultSKU
	}
	if db.HighAvailability {
		params.HighAvailability = &HighAvailability{Mode: HAMode}
	}
	pw, generate := cloud.Password(in)
	params.AdministratorPasswordSecretRef = pw
	params.AutoGeneratePassword = generate

	ms := managed(env, protection)
	ms.WriteConnectionSecretToRef = conn
	server := &FlexibleServer{
		TypeMeta: compose.TypeMeta{APIVersion: env.Scope.APIVersion(FlexibleServerAPIVersion, FlexibleServerAPIVersionNamespaced), Kind: FlexibleServerKind},
		Metadata: compose.ObjectMeta{
			Name:        serverName,
			Labels:      env.Labels,
			Annotations: map[string]string{compose.ExternalNameAnnotation: ServerName(p.XRName, s)},
		},
		Spec: compose.ManagedResourceSpec[FlexibleServerParameters, FlexibleServerInitParameters]{
			ManagedSpec: ms, ForProvider: params, InitProvider: &FlexibleServerInitParameters{StorageMb: st.MB},
		},
	}

	childAPIVersion := env.Scope.APIVersion(FlexibleServerChildAPIVersion, FlexibleServerAPIVersionNamespaced)
	database := &FlexibleServerDatabase{
		TypeMeta: compose.TypeMeta{APIVersion: childAPIVersion, Kind: FlexibleServerDatabaseKind},
		Metadata: compose.ObjectMeta{
			Name:        compose.Name(p.XRName, "postgres", db.Name),
			Labels:      env.Labels,
			Annotations: map[string]string{compose.ExternalNameAnnotation: db.Name},
		},
		Spec: compose.ManagedResourceSpec[DatabaseParameters, compose.None]{
			ManagedSpec: managed(env, protection),
			ForProvider: DatabaseParameters{ServerIDRef: &compose.Reference{Name: serverName}, Charset: Charset, Collation: Collate},
		},
	}
	tls := &FlexibleServerConfiguration{
		TypeMeta: compose.TypeMeta{APIVersion: childAPIVersion, Kind: FlexibleServerConfigurationKind},
		Metadata: compose.ObjectMeta{Name: compose.Name(p.XRName, "postgres", "tls"), Labels: env.Labels},
		Spec: compose.ManagedResourceSpec[ConfigurationParameters, compose.None]{
			ManagedSpec: managed(env, compose.Delete),
			ForProvider: ConfigurationParameters{ServerIDRef: &compose.Reference{Name: serverName}, Name: secureTransport, Value: "on"},
		},
	}

	res := []compose.Resource{
		{Key: KeyServer, Component: cloud.ComponentDatabase, Object: server},
		{Key: KeyDatabase, Component: cloud.ComponentDatabase, Object: database},
		{Key: KeyTLS, Component: cloud.ComponentDatabase, Object: tls},
	}
	// Flexible Server's certificates chain to public roots; no connection
	// secret carries them, so the user puts them in caSecretName.
	ca := cloud.UserCA(in)
	if ca == nil {
		warns = append(warns, NoCAWarning)
	}
	out := &cloud.Database{
		// The server's certificate names <server>.postgres.database.azure.com,
		// the fqdn the Query API dials.
		CA:        ca,
		CASSLMode: cloud.SSLModeVerifyFull,
		Status: spec.DatabaseStatus{
			Engine:      cloud.Engine,
			Version:     db.Version,
			StorageType: st.Type(),
			StorageGiB:  st.GiB(),
			IOPS:        st.IOPS,
		},
		Key:               KeyServer,
		EndpointFieldPath: EndpointFieldPath,
		Port:              cloud.PostgresPort,
		Username:          db.AdminUser,
		ConnectionSecret:  *conn,
		// The provider writes the host alone under "endpoint" (and the port
		// under "port"); the contract's EndpointKey is host:port, so the
		// endpoint comes from EndpointFieldPath and Port instead.
		EndpointKey:    "",
		PasswordSecret: *pw,
		Warnings:       warns,
		// The FlexibleServer's connection secret carries the username with
		// an "@<server>" suffix (the Single Server login form); Flexible
		// Server logins are the bare administratorLogin. The credentials
		// Secret is composed with the bare login with either delivery.
		ConnectionSecretHasLogin: false,
	}
	return res, out
}

// NoCAWarning says that without caSecretName the Query API trusts any
// server, and how to fix it. Flexible Server's certificates chain to
// DigiCert Global Root G2 and Microsoft RSA Root Certificate Authority 2017
// (Microsoft Learn, "Transport Layer Security (TLS) in Azure Database for
// PostgreSQL flexible server").
const NoCAWarning = "spec.queryAPI.postgres.caSecretName is empty: the Query API connects to the flexible server with sslmode require, encrypted but trusting any server; " +
	"put DigiCert Global Root G2 and Microsoft RSA Root Certificate Authority 2017 (PEM) in a Secret under the key ca.crt and name it here for sslmode verify-full"

// FlexibleServerConfiguration is one server parameter.
type FlexibleServerConfiguration = compose.Managed[ConfigurationParameters, compose.None]

// ConfigurationParameters name the parameter, its value and its server.
type ConfigurationParameters struct {
	ServerIDRef *compose.Reference `json:"serverIdRef"`
	Name        string             `json:"name"`
	Value       string             `json:"value"`
}
