import Foundation

/// A value set from inside a closure or a task that cannot return it: the refused finish's
/// backport run, the post-mortem path the console's editor job waits for.
public final class Holder<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T?

    public init() {}

    public var value: T? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
