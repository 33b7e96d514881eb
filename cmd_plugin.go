package main

import (
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/affcore/affcore/core/plugin"
)

// runPlugin implements `affcore plugin keygen|bundle|verify`, the tools that
// `make plugins` and plugin authors use to sign and check bundles.
func runPlugin(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: affcore plugin keygen|bundle|verify [flags]")
	}
	fs := flag.NewFlagSet("affcore plugin "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	key := fs.String("key", "", "ed25519 signing key file (created if missing with keygen)")
	manifest := fs.String("manifest", "manifest.json", "manifest.json of the plugin")
	wasmPath := fs.String("wasm", "", "the plugin's .wasm")
	out := fs.String("o", "", "output bundle (.affplug)")
	trusted := fs.String("trusted", os.Getenv("AFFCORE_PLUGIN_KEYS"), "trusted public keys for verify (env AFFCORE_PLUGIN_KEYS)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	switch args[0] {
	case "keygen":
		return keygen(*key, stdout)
	case "bundle":
		return bundle(*manifest, *wasmPath, *key, *out, stdout)
	case "verify":
		return verify(fs.Args(), *trusted, stdout)
	}
	return fmt.Errorf("unknown plugin command %q (keygen, bundle, verify)", args[0])
}

func keygen(path string, stdout io.Writer) error {
	if path == "" {
		return errors.New("keygen needs --key FILE")
	}
	k, created, err := plugin.LoadOrCreateSigningKey(path)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintln(stdout, "created", path, "(keep it secret; the public key is in", path+".pub)")
	}
	fmt.Fprintln(stdout, plugin.EncodePublicKey(k.Public().(ed25519.PublicKey)))
	return nil
}

func bundle(manifestPath, wasmPath, keyPath, out string, stdout io.Writer) error {
	if wasmPath == "" || out == "" {
		return errors.New("bundle needs --wasm FILE and -o FILE")
	}
	m, err := os.ReadFile(manifestPath)
	if err != nil {
		return err
	}
	if _, err := plugin.ParseManifest(m); err != nil {
		return fmt.Errorf("%s: %w", manifestPath, err)
	}
	w, err := os.ReadFile(wasmPath)
	if err != nil {
		return err
	}
	var key ed25519.PrivateKey
	if keyPath != "" {
		if key, _, err = plugin.LoadOrCreateSigningKey(keyPath); err != nil {
			return err
		}
	}
	b, err := plugin.Pack(m, w, key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s (%d KiB, signed=%v)\n", out, len(b)>>10, key != nil)
	return nil
}

func verify(paths []string, trusted string, stdout io.Writer) error {
	keys, err := plugin.ParsePublicKeys(trusted + "," + buildPluginKey)
	if err != nil {
		return err
	}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		b, err := plugin.OpenBundle(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		key, err := b.Verify(keys)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		fmt.Fprintf(stdout, "%s: %s %s, sha256 %s, signed by %q\n", p, b.Manifest.ID, b.Manifest.Version, b.SHA256, key)
	}
	return nil
}
