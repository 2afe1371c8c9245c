/// A bounded history: keeps the last `capacity` elements, drops the oldest.
public struct LineRing<Element: Sendable>: Sendable {
    public let capacity: Int
    private var storage: [Element] = []
    private var head = 0
    /// Elements ever appended (dropped ones included).
    public private(set) var appended = 0

    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }
    /// How many were dropped to stay within capacity.
    public var dropped: Int { appended - storage.count }

    public mutating func append(_ element: Element) {
        appended += 1
        if storage.count < capacity {
            storage.append(element)
        } else {
            storage[head] = element
            head = (head + 1) % capacity
        }
    }

    /// The i-th kept element, 0 being the oldest.
    public subscript(i: Int) -> Element {
        storage[(head + i) % storage.count]
    }

    /// The newest `n` elements, oldest first.
    public func last(_ n: Int) -> [Element] {
        let k = min(max(0, n), storage.count)
        return (storage.count - k..<storage.count).map { self[$0] }
    }

    public var all: [Element] { last(storage.count) }
}
