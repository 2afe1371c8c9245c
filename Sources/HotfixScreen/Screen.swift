/// Renders the console model into a cell buffer: pure, so tests compare it with golden files.
public enum Screen {
    public static func render(_ model: ConsoleModel) -> CellBuffer {
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
        MainPane.draw(&buf, layout.main, model, timing)
        LogView.draw(&buf, layout.log, model)
        Bars.status(&buf, layout.status, model)
        Bars.help(&buf, layout.helpBar, model)
        if model.showHelp { Overlays.help(&buf, model) }
        return buf
    }
}
