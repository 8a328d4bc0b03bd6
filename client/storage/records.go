package storage

import (
	"errors"
	"fmt"
	"strings"
)

// Limits of the key/value records (LoadRecord, SaveRecord, DeleteRecord).
const (
	// MaxRecordSize is the largest value a record holds.
	MaxRecordSize = 64 << 10
	// MaxRecordKey is the largest namespace plus key, in bytes.
	MaxRecordKey = 512
)

// ErrRecordTooLarge reports a record value over MaxRecordSize.
var ErrRecordTooLarge = errors.New("storage: record too large")

// recordKey checks a record's namespace and key and joins them into the one key both
// backends store it under: namespace, a zero byte, key. The namespace is not empty and has
// no zero byte, so two namespaces never share a key.
func recordKey(ns, key string) (string, error) {
	switch {
	case ns == "":
		return "", errors.New("storage: record namespace is empty")
	case strings.IndexByte(ns, 0) >= 0:
		return "", fmt.Errorf("storage: record namespace %q has a zero byte", ns)
	case len(ns)+1+len(key) > MaxRecordKey:
		return "", fmt.Errorf("storage: record key in %q is %d bytes, at most %d", ns, len(ns)+1+len(key), MaxRecordKey)
	}
	return ns + "\x00" + key, nil
}

// checkRecordValue bounds a value before it is stored.
func checkRecordValue(ns string, v []byte) error {
	if len(v) > MaxRecordSize {
		return fmt.Errorf("%w: %d bytes in %q, at most %d", ErrRecordTooLarge, len(v), ns, MaxRecordSize)
	}
	return nil
}
