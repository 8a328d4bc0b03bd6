package postgres_test

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func errorsIs(err, target error) bool { return errors.Is(err, target) }
func contains(s, sub string) bool     { return strings.Contains(s, sub) }

// backendCPU sums the CPU time used so far by the server processes of the connections
// named app, when they run on this machine (false otherwise).
func backendCPU(t testing.TB, db *sql.DB, app string) (time.Duration, bool) {
	rows, err := db.QueryContext(t.Context(), `select pid from pg_stat_activity where application_name = $1`, app)
	if err != nil {
		return 0, false
	}
	defer rows.Close()
	var total time.Duration
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) != nil {
			return 0, false
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return 0, false
		}
		// Fields after the command name: utime and stime are the 12th and 13th, in ticks
		// of 10 ms on Linux.
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) < 13 {
			return 0, false
		}
		utime, _ := strconv.ParseInt(f[11], 10, 64)
		stime, _ := strconv.ParseInt(f[12], 10, 64)
		total += time.Duration(utime+stime) * 10 * time.Millisecond
	}
	return total, rows.Err() == nil && total > 0
}
