import Foundation
import HotfixEngine

extension DeployPlan.Settings {
    /// The plan's settings from `.hotfix.yml`: the image is `{deploy.image}:hotfix-{id}`, and
    /// `{image}`, `{tag}`, `{id}` are expanded in the build and push commands.
    /// `errorTarget` (the incident's, from `hotfix assess --target`) wins over `deploy.target`; a
    /// `deploy.kubectl_cache_dir` starting with `~/` is under the home folder, a relative one under `root`.
    /// From attempt 2 on the tag says which (`hotfix-ID-attempt2`): a node that has `hotfix-ID`
    /// would run its cached first build again (imagePullPolicy IfNotPresent, the default for a tag).
    public init(config d: HotfixConfig.Deploy, id: String, attempt: Int = 1, kubectl: String = "kubectl", errorTarget: String? = nil,
                root: String = "", home: String = NSHomeDirectory()) {
        let tag = "hotfix-\(id)" + (attempt > 1 ? "-attempt\(attempt)" : "")
        let image = "\(d.image):\(tag)"
        let values = ["image": image, "tag": tag, "id": id]
        let target = [errorTarget, d.target].compactMap { $0?.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
        self.init(image: image, build: Placeholders.expand(d.build, values), push: Placeholders.expand(d.push, values),
                  deployment: d.deployment, container: d.container,
                  target: KubeTarget(config: d, kubectl: kubectl, root: root, home: home),
                  window: d.window, warmup: d.warmup, interval: d.interval, rolloutTimeout: d.rolloutTimeout, autoRollback: d.autoRollback,
                  errorTarget: target, baselineEntries: d.baselineEntries, baselineWait: d.baselineWait)
    }

}

extension KubeTarget {
    /// The flags `.hotfix.yml` gives every kubectl call; `deploy.kubectl_cache_dir` starting with
    /// `~/` is under the home folder, a relative one under the repository `root`.
    public init(config d: HotfixConfig.Deploy, kubectl: String = "kubectl", root: String = "", home: String = NSHomeDirectory()) {
        self.init(kubectl: kubectl, context: d.context, namespace: d.namespace, kubeconfig: d.kubeconfig,
                  cacheDir: Self.path(d.kubectlCacheDir, root: root, home: home))
    }

    static func path(_ raw: String, root: String, home: String) -> String {
        if raw.isEmpty || raw.hasPrefix("/") { return raw }
        if raw == "~" { return home }
        if raw.hasPrefix("~/") { return home + raw.dropFirst(1) }
        return root.isEmpty ? raw : root + "/" + raw
    }
}
