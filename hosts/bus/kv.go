package bus

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/hosts"
)

// KVBucket is the JetStream KV bucket of plugin data.
const KVBucket = "AFFCORE_PLUGIN_KV"

// KV is the plugins' key-value store on JetStream KV. A stored key is
// <tenant>.<plugin>.<base64url(key)>: the plugin's key is encoded whole, so
// no key a plugin chooses (wildcards, dots, "..") can name another tenant's
// or plugin's entry. Values carry their expiry (8 bytes, Unix ms; 0 = none)
// and expired values read as missing.
type KV struct{ kv jetstream.KeyValue }

// NewKV opens (creating if needed) the bucket.
func NewKV(ctx context.Context, js jetstream.JetStream) (*KV, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: KVBucket, History: 1,
		Description: "plugin key-value data, per tenant and plugin", MaxValueSize: 64<<10 + 8, Storage: jetstream.FileStorage})
	if err != nil {
		return nil, fmt.Errorf("plugin kv bucket: %w", err)
	}
	return &KV{kv: kv}, nil
}

func kvKey(tenant core.TenantID, plugin, key string) string {
	safe := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
				return r
			}
			return '_'
		}, s)
	}
	return safe(string(tenant)) + "." + safe(plugin) + "." + base64.RawURLEncoding.EncodeToString([]byte(key))
}

// Get implements hosts.KV.
func (k *KV) Get(ctx context.Context, tenant core.TenantID, plugin, key string) ([]byte, error) {
	if key == "" {
		return nil, hosts.ErrKeyNotFound
	}
	e, err := k.kv.Get(ctx, kvKey(tenant, plugin, key))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, hosts.ErrKeyNotFound
	}
	if err != nil {
		return nil, err
	}
	v := e.Value()
	if len(v) < 8 {
		return nil, hosts.ErrKeyNotFound
	}
	if exp := int64(binary.BigEndian.Uint64(v)); exp != 0 && time.Now().UnixMilli() > exp {
		return nil, hosts.ErrKeyNotFound
	}
	return v[8:], nil
}

// Put implements hosts.KV.
func (k *KV) Put(ctx context.Context, tenant core.TenantID, plugin, key string, val []byte, ttl time.Duration) error {
	var exp int64
	if ttl > 0 {
		exp = time.Now().Add(ttl).UnixMilli()
	}
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(val)), uint64(exp))
	_, err := k.kv.Put(ctx, kvKey(tenant, plugin, key), append(b, val...))
	return err
}

// Delete implements hosts.KV.
func (k *KV) Delete(ctx context.Context, tenant core.TenantID, plugin, key string) error {
	err := k.kv.Delete(ctx, kvKey(tenant, plugin, key))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil
	}
	return err
}

// Interface guard.
var _ hosts.KV = (*KV)(nil)
