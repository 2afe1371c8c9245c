import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A stand-in `helm` for tests (Helm itself is not installable here): `upgrade`, `status`,
/// `history` and `rollback` of a release whose chart is one Deployment of the same name, made
/// through the real kubectl with the same API calls Helm's upgrade of an image tag comes to (a
/// patch of the Deployment's pod template), its revisions kept in a state file like Helm's
/// release secrets. `--namespace`, `--kube-context` and `--kubeconfig` are passed on to kubectl;
/// `--set image.tag=T` changes the tag of the release's image. Every call is written to `calls`.
public final class HelmStandIn: @unchecked Sendable {
    public let dir: TempDir
    /// The folder to put first on PATH.
    public var bin: String { dir.file("bin") }
    public var path: String { dir.file("bin/helm") }

    public init(container: String = "app") {
        dir = TempDir("helm-stand-in")
        try! FileManager.default.createDirectory(atPath: dir.file("bin"), withIntermediateDirectories: true)
        try! FileManager.default.createDirectory(atPath: dir.file("state"), withIntermediateDirectories: true)
        dir.writeExecutable("bin/helm", Self.script(state: dir.file("state"), container: container))
    }

    /// Every call's arguments, one line each.
    public var calls: [String] {
        ((try? String(contentsOfFile: dir.file("state/calls"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// A release's revisions: `N<TAB>image<TAB>description`.
    public func revisions(_ release: String) -> [String] {
        ((try? String(contentsOfFile: dir.file("state/\(release)"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// PATH with the stand-in first.
    public var searchPath: String { bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") }

    static func script(state: String, container: String) -> String {
        #"""
        #!/bin/sh
        # Stand-in for helm (see HelmStandIn.swift): a release is one Deployment of its name.
        state='\#(state)'
        container='\#(container)'
        printf '%s\n' "$*" >> "$state/calls"
        verb="$1"; shift
        kargs=""; tag=""; output=""; positional=""
        while [ $# -gt 0 ]; do
          case "$1" in
            -n|--namespace) kargs="$kargs --namespace $2"; shift 2;;
            --namespace=*) kargs="$kargs --namespace ${1#*=}"; shift;;
            --kube-context) kargs="$kargs --context $2"; shift 2;;
            --kube-context=*) kargs="$kargs --context ${1#*=}"; shift;;
            --kubeconfig) kargs="$kargs --kubeconfig $2"; shift 2;;
            --kubeconfig=*) kargs="$kargs --kubeconfig ${1#*=}"; shift;;
            --set) case "$2" in image.tag=*) tag="${2#image.tag=}";; esac; shift 2;;
            -o|--output) output="$2"; shift 2;;
            -f|--values|--version|--timeout) shift 2;;
            -*) shift;;
            *) positional="$positional $1"; shift;;
          esac
        done
        set -- $positional
        release="$1"
        [ -n "$release" ] || { echo "Error: release name is required" >&2; exit 1; }
        file="$state/$release"
        current_image() {
          kubectl $kargs get "deployment/$release" -o "jsonpath={.spec.template.spec.containers[?(@.name==\"$container\")].image}"
        }
        if [ ! -f "$file" ]; then
          image=$(current_image) || { echo "Error: release: not found" >&2; exit 1; }
          printf '1\t%s\tInstall complete\n' "$image" > "$file"
        fi
        last=$(tail -n 1 "$file" | cut -f1)
        case "$verb" in
          upgrade)
            image=$(tail -n 1 "$file" | cut -f2)
            [ -n "$tag" ] && image="${image%:*}:$tag"
            echo "Upgrading $release to $image"
            kubectl $kargs set image "deployment/$release" "$container=$image" || { echo "Error: UPGRADE FAILED" >&2; exit 1; }
            next=$((last + 1))
            printf '%s\t%s\tUpgrade complete\n' "$next" "$image" >> "$file"
            printf 'Release "%s" has been upgraded. Happy Helming!\nNAME: %s\nREVISION: %s\n' "$release" "$release" "$next";;
          status)
            if [ "$output" = json ]; then
              printf '{"name":"%s","version":%s,"info":{"status":"deployed"}}\n' "$release" "$last"
            else
              printf 'NAME: %s\nREVISION: %s\nSTATUS: deployed\n' "$release" "$last"
            fi;;
          history)
            cat "$file";;
          rollback)
            to="$2"
            image=$(awk -F '\t' -v r="$to" '$1 == r { print $2 }' "$file")
            [ -n "$image" ] || { echo "Error: release has no $to version" >&2; exit 1; }
            kubectl $kargs set image "deployment/$release" "$container=$image" || { echo "Error: ROLLBACK FAILED" >&2; exit 1; }
            printf '%s\t%s\tRollback to %s\n' "$((last + 1))" "$image" "$to" >> "$file"
            echo "Rollback was a success! Happy Helming!";;
          *)
            echo "Error: unknown command \"$verb\" for \"helm\" (stand-in)" >&2; exit 1;;
        esac
        """#
    }
}
