import HotfixEngine

extension DeployPlan.Settings {
    /// The plan's settings from `.hotfix.yml`: the image is `{deploy.image}:hotfix-{id}`, and
    /// `{image}`, `{tag}`, `{id}` are expanded in the build and push commands.
    public init(config d: HotfixConfig.Deploy, id: String, kubectl: String = "kubectl", cacheDir: String = "") {
        let tag = "hotfix-\(id)"
        let image = "\(d.image):\(tag)"
        let values = ["image": image, "tag": tag, "id": id]
        self.init(image: image, build: Placeholders.expand(d.build, values), push: Placeholders.expand(d.push, values),
                  deployment: d.deployment, container: d.container,
                  target: KubeTarget(kubectl: kubectl, context: d.context, namespace: d.namespace, kubeconfig: d.kubeconfig, cacheDir: cacheDir),
                  window: d.window, warmup: d.warmup, interval: d.interval, autoRollback: d.autoRollback)
    }
}
