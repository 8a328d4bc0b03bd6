package telemetry

import "github.com/mtgo-labs/mtgo/updates"

// HookForTest exposes the update event hook.
func HookForTest(t *Telemetry) func(updates.Event) { return t.onUpdateEvent }
