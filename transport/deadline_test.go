package transport

import "os"

func osErrDeadline() error { return os.ErrDeadlineExceeded }
