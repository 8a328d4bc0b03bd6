package sqlite

// Synchronous is the synchronous pragma of the connections Open makes next (BenchmarkSync
// compares FULL with NORMAL).
var Synchronous = &synchronous

// LeaseClock is the clock the stores' file leases read (TestMovedFile turns it by hand).
var LeaseClock = &leaseClock

// ReadRecheck is how long a read trusts the last check of the file.
const ReadRecheck = readRecheck

// NewConnector makes the driver's connector of the stores Open makes next
// (TestMovedFileWhileConnecting moves the file while a connection opens).
var NewConnector = &newConnector
