import HotfixSim

extension SimCluster {
    /// The `deploy:` keys that point hotfix at this cluster (deployment, container, namespace,
    /// context, kubeconfig), indented for a `.hotfix.yml` under `deploy:`.
    var deployTarget: String {
        """
          deployment: \(deployment)
          container: \(container)
          namespace: \(namespace)
          context: \(context)
          kubeconfig: \(kubeconfig)
        """
    }
}
