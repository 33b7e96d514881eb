// Package bus carries plugin hook calls and plugin registry changes over
// NATS: a NATS micro service per plugin host answering hook calls by
// request-reply, a client and a Router that sends a tenant's calls to its
// dedicated host when one is up (in process otherwise), heartbeats that
// announce dedicated hosts, change announcements that make every node reload
// installations without a restart, the core's registry endpoints that remote
// hosts read installations and artifacts from, and the plugins' key-value
// store on JetStream KV.
package bus

import (
	"github.com/affcore/affcore/core"
)

// Subjects. Hook calls for tenant T go to CallSubject(T); a dedicated host
// serves only its tenant's subject.
const (
	subjectPrefix    = "affcore.plugins."
	SubjectChanged   = subjectPrefix + "changed"          // installation changed: {tenant, installation_id}
	SubjectHeartbeat = subjectPrefix + "hosts.heartbeat"  // a dedicated host is up: {tenant, host}
	SubjectDown      = subjectPrefix + "hosts.down"       // a dedicated host stopped
	SubjectRuntime   = subjectPrefix + "registry.runtime" // request: tenant id → installations
	SubjectArtifact  = subjectPrefix + "registry.artifact"
	ServiceName      = "affcore-plugin-host"
	HeaderHook       = "Affcore-Hook"
	HeaderTenant     = "Affcore-Tenant"
)

// CallSubject is the subject of tenant's hook calls.
func CallSubject(tenant core.TenantID) string {
	return subjectPrefix + "call." + string(tenant)
}
