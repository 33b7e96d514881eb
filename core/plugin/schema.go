package plugin

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/affcore/affcore/core"
)

// Schema is a compiled config JSON Schema.
type Schema struct{ s *jsonschema.Schema }

// maxSchema bounds a manifest's config schema.
const maxSchema = 64 << 10

// CompileSchema compiles a config schema (JSON Schema draft 2020-12 unless
// it says otherwise). Schemas cannot load remote references.
func CompileSchema(raw []byte) (*Schema, error) {
	if len(raw) > maxSchema {
		return nil, fmt.Errorf("config schema larger than %d bytes", maxSchema)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("config schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoader{})
	if err := c.AddResource("config.json", doc); err != nil {
		return nil, fmt.Errorf("config schema: %v", err)
	}
	s, err := c.Compile("config.json")
	if err != nil {
		return nil, fmt.Errorf("config schema: %v", err)
	}
	return &Schema{s: s}, nil
}

// noLoader refuses remote and file references: a schema is self-contained.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema references %s: external references are not allowed", url)
}

// Validate checks a config document against the schema. The error is
// KindInvalid with one field per violation, named config.<path>.
func (s *Schema) Validate(config []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(config))
	if err != nil {
		return core.Invalid("config", "must be a JSON object")
	}
	err = s.s.Validate(doc)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return core.Invalid("config", err.Error())
	}
	var v core.Validator
	for _, u := range ve.BasicOutput().Errors {
		if u.Error == nil || len(u.Errors) > 0 {
			continue
		}
		v.Add(fieldOf(u.InstanceLocation), u.Error.String())
	}
	if err := v.Err(); err != nil {
		return err
	}
	return core.Invalid("config", ve.Error())
}

// fieldOf turns a JSON pointer ("/limits/0/rate") into a field name
// ("config.limits.0.rate").
func fieldOf(pointer string) string {
	if pointer == "" || pointer == "/" {
		return "config"
	}
	parts := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	for i, p := range parts {
		parts[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(p)
	}
	return "config." + strings.Join(parts, ".")
}
