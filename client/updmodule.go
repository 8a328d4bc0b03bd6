package mtgo

import "go.uber.org/fx"

// UpdatesModule provides the UpdateManager. Without one (NoUpdates, or a build that removes
// it), updates go straight from the connection to the dispatcher, short forms expanded.
var UpdatesModule = fx.Module("mtgo.updates")
