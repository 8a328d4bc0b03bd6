package mtgo

import "fmt"

// openFileStorage opens the session file of name.
func openFileStorage(name string) (Storage, error) {
	return nil, fmt.Errorf("%w: file storage for session %q is not available in this build", ErrNoStorage, name)
}
