// HotfixScreen: pure rendering. A `ConsoleView` (what the console shows at one moment) is drawn
// into an in-memory cell buffer by widgets that ask for roles, never colours; layout is by
// constraints, themes map roles to styles. Nothing here reads keys, runs jobs or decides: the
// controller (HotfixConsole) builds the view, the terminal backend (HotfixTerminal) presents
// the buffer. Tests compare rendered buffers with golden files.

/// Renders a console view into a cell buffer: pure, so tests compare it with golden files.
public enum Screen {
    public static func render(_ model: ConsoleView) -> CellBuffer {
        var buf = CellBuffer(size: model.size)
        guard !model.isTooSmall else {
            Overlays.tooSmall(&buf, model)
            return buf
        }
        let layout = ConsoleLayout(size: model.size)
        let timing = model.timing
        Header.draw(&buf, layout.header, model, timing)
        PhaseRail.draw(&buf, layout.rail, model, timing)
        ChecklistView.drawSummary(&buf, layout.checklist, model)
        InfoBox.draw(&buf, layout.info, model, timing)
        if let stream = model.stream {
            StreamView.draw(&buf, layout, model, stream, timing)
        } else if model.logFillsDeployPane {
            LogView.draw(&buf, StreamView.rect(layout), model)
        } else {
            MainPane.draw(&buf, layout.main, model, timing)
            LogView.draw(&buf, layout.log, model)
        }
        Bars.status(&buf, layout.status, model)
        Bars.help(&buf, layout.helpBar, model)
        if model.showHelp { Overlays.help(&buf, model) }
        return buf
    }
}
