//go:build !amd64 || purego

package crypto

// igeKey is the portable implementation on platforms without the assembly.
type igeKey = genericKey

// hasIGEAsm reports whether IGE runs on the assembly path.
const hasIGEAsm = false
