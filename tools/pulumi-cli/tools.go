//go:build tools

// Package tools pins the Pulumi CLI as a dependency of this module so that
// `go build github.com/pulumi/pulumi/pkg/v3/cmd/pulumi` resolves it here.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
