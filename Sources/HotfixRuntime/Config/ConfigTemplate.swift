/// The commented `.hotfix.yml` that `hotfix init` writes: every key with its default.
/// A test loads it back and checks it equals the built-in defaults.
public enum ConfigTemplate {
    public static let text = """
    # hotfix configuration. Every key is optional; the values shown are the defaults,
    # which follow the hotfix workflow. Commands are argument lists and never go through
    # a shell; {id}, {branch}, {image} and {tag} are replaced inside each argument.
    # Precedence: flags > environment > this file > ~/.config/hotfix/config.yml > defaults.

    # Time budgets in minutes: a number, or target-limit. Past the target the phase
    # warns; past the limit it is overrun (kept for the post-mortem).
    budgets:
      assess: 5
      branch: 2
      fix: 30-60
      test: 15-20
      deploy: 15-20
      backport: 10
      close: 5
      total: 120

    git:
      remote: origin
      main: main
      develop: develop
      branch: hotfix/{id}
      tag: hotfix-{id}
      # Branches that get the backport besides develop (add release/* if you keep them).
      backport: [feature/*]
      # A FIX diff with more changed lines than this is flagged.
      large_diff: 200

    test:
      # Empty lists mean: detect from the project (pytest, swift test, go test, npm test,
      # cargo test). Example: smoke: [pytest, tests/integration, -m, smoke, -v]
      smoke: []
      critical: []
      # An optional manual check, e.g. [curl, -fsS, http://localhost:8000/users/123]
      manual: []
      timeout: 20m

    checks:
      # Type checker for changed Python files: auto (mypy, then pyright, when installed),
      # mypy, pyright or none (then hotfix checks added functions' annotations itself).
      type_checker: auto
      # Regular expressions for a logger call on an added line; [] = built-in, per language.
      logging_patterns: []

    deploy:
      image: registry/app
      build: [docker, build, -t, "{image}", .]
      push: [docker, push, "{image}"]
      deployment: app
      container: app
      # Passed to every kubectl call when set.
      namespace: ""
      context: ""
      kubeconfig: ""
      # The monitoring window after the rollout, its warm-up and evaluation interval.
      window: 5m
      warmup: 30s
      interval: 30s
      # Roll back by itself on a FAIL verdict (otherwise rollback is one key away).
      auto_rollback: false
      # How long kubectl rollout status may wait: auto = the deployment's progressDeadlineSeconds
      # + 30s (a pod problem or the deadline fails the window at once anyway), or a duration.
      rollout_timeout: auto
      # The incident's error as the logs show it (a substring or template), when hotfix assess
      # --target does not name it; "" = the baseline's most frequent error template.
      target: ""
      # kubectl --cache-dir for every call; give each cluster its own (the cloud SDK's kubectl
      # caches the server's /version there for two hours). "" = kubectl's ~/.kube/cache.
      kubectl_cache_dir: ""
      # How long each kubectl read (the deployment, its ReplicaSets and pods) waits for the
      # cluster before it fails (--request-timeout): a cluster that never answers is an error
      # then, not after kubectl's two minutes. Streams and changes (set image, undo) never get it.
      request_timeout: 10s
      # The baseline read (the old pods' recent logs) ends once every old pod gave this many
      # entries or caught up with its log, or after baseline_wait.
      baseline_entries: 300
      baseline_wait: 15s
      # How the rollout is made: set-image (hotfix runs kubectl set image); a command run
      # instead, e.g. [helm, upgrade, app, ./chart, --reuse-values, --set, "image.tag={tag}"] or
      # [kubectl, apply, -k, overlays/prod] (placeholders: {id} {tag} {image} {branch} {sha}
      # {short_sha}); or external: CI/CD, Argo CD or Flux roll out, hotfix waits for the new
      # ReplicaSet and judges it (hotfix watch does that whatever this says).
      rollout: set-image
      # How a deploy is undone: auto (set image, kubectl apply: kubectl rollout undo; helm
      # upgrade: helm rollback to the release's revision before it; external: the GitOps revert
      # to make, printed, never run), kubectl, helm, revert, or a command run instead, e.g.
      # [argocd, app, rollback, app] ({revision} {release_revision} are filled in).
      rollback: auto
      # A rollout waited for counts only when its image matches this glob, e.g. "*:{tag}" or
      # "*:{short_sha}" (another one is reported and ignored); "" = the next new ReplicaSet.
      expect_image: ""
      # How long a rollout made elsewhere (or by the rollout command) is waited for.
      wait: 15m
      # helm rollback's release, when deploy.rollout does not name it (helm upgrade RELEASE CHART).
      helm_release: ""
      # The branch CI/CD or the GitOps controller deploys from, where a revert goes; "" = git.main.
      deployed_branch: ""

    logs:
      # Lines kept for the log pane, and the longest line shown before it is cut.
      history: 10000
      line_cap: 16384

    telegram:
      # Names of the environment variables holding the bot token and chat id
      # (the token itself never goes into this file, the journal or a report).
      # When the repository has notifications/telegram.sh, it is used instead, with the
      # message as its one argument.
      token_env: HOTFIX_TELEGRAM_TOKEN
      chat_env: HOTFIX_TELEGRAM_CHAT
      base_url: https://api.telegram.org
      # Attempts per message (with backoff) before it waits for `hotfix sync`.
      attempts: 3
      # Messages; placeholders: {id} {ID} {title} {severity} {verdict} {reasons} {tag} {elapsed} {image}
      templates:
        started: "🚨 HOTFIX-{ID} started ({severity}): {title}"
        deployed: "🚀 HOTFIX-{ID} deployed to production ({image}). Monitoring."
        verdict: "📊 HOTFIX-{ID} monitoring verdict: {verdict}. {reasons}"
        complete: "✅ HOTFIX-{ID} deployed. Issue resolved."

    github:
      # Comment on the linked issue (hotfix start --issue N) after these phases.
      comment_on: [deploy, close]
      # The comment; {phase} and {detail} are filled in besides the placeholders above.
      comment: "Hotfix {id}: {phase} done. {detail}"

    report:
      # Reports and post-mortems go to <dir>/<id>/, relative to the repository root.
      dir: docs/hotfix

    # default, light, high-contrast, monochrome, or a path to a theme file.
    theme: default

    """
}
