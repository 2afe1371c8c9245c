import Foundation
import HotfixEngine
import HotfixWorkflow

/// `E` in CLOSE: the post-mortem written when missing (as `hotfix postmortem --edit` does), then
/// `$EDITOR` on the real terminal while the console has stepped aside. It runs on the event loop's
/// thread, which waits for it: nothing else draws meanwhile.
public enum EditJob {
    /// Returns the error to show when the console is back, if any.
    public static func editPostmortem(_ steps: StepJob) -> HotfixError? {
        let close = CloseWorkflow(steps.session)
        let written = Holder<Result<String, HotfixError>>()
        let done = DispatchSemaphore(value: 0)
        let id = steps.id
        Task {
            do throws(HotfixError) {
                written.value = .success(try await close.postmortem(id, write: true).path.absolute)
            } catch {
                written.value = .failure(error)
            }
            done.signal()
        }
        done.wait()
        switch written.value {
        case .success(let path):
            do throws(HotfixError) {
                try close.openEditor(path)  // on this thread: the editor owns the terminal until it exits
                return nil
            } catch {
                return error
            }
        case .failure(let error):
            return error
        case nil:
            return HotfixError.environment("the post-mortem was not written")
        }
    }
}
