// Generated from schemas/values.schema.json by core/values/schema-types.ts: do not edit.
// Regenerate with: npx tsc -p . && node dist/core/values/schema-types.js --write

/** The merged values of one cluster: core defaults, then common/, environments/<env>/ and clusters/<cluster>/ of the values repo. The single source of truth for the values; the TypeScript types in core/values/types.generated.ts are generated from it. A field marked writeOnly is a secret: it may only be set in a *.sops.yaml file. */
export interface ResolvedValues {
  cluster: Cluster;
  platform: Platform;
  /** Teams by name. Each team gets the namespace team-<name>; a file teams/<name>.yaml in any layer merges here. */
  teams: { [key: string]: Team };
  /** Applications by name. A file apps/<name>.yaml in any layer merges here; teams list the apps they deploy. */
  apps: { [key: string]: App };
  /** Values of the charts a platform team added to its image (docs/charts.md), by release name. A file charts/<release>.yaml in any layer merges here; the release's runlevel file hands them to the chart as they are. Free-form unless the image has schemas/charts/<release>.schema.json; the chart's own values.schema.json is checked when it renders. */
  charts?: { [key: string]: Record<string, unknown> };
}

/** A helm release name: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 53 characters. */
export type ReleaseName = string;

/** Another image for a platform component: a patched build, or the same image under another name (an air-gapped source registry). Empty fields keep the chart's own. */
export interface ImageOverride {
  /** Image repository including the registry, e.g. registry.k8s.io/ingress-nginx/controller. */
  repository?: string;
  /** Image tag (quote it: "1.27" is not the number 1.27). */
  tag?: string;
  /** Image digest (sha256:…); pins the image whatever the tag. */
  digest?: string;
}

/** A DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters. */
export type DnsLabel = string;

/** A team name: a DNS-1123 label of at most 40 characters, so that team-<name> and derived names stay valid. */
export type TeamName = string;

/** A DNS host name such as dev.example.com. */
export type Hostname = string;

/** A Kubernetes resource quantity such as 500m, 2, 8Gi. */
export type Quantity = string | number;

/** The cluster these values are for. */
export interface Cluster {
  /** Cluster name; filled in from the key in runlevel.yaml, do not set it by hand. */
  name: DnsLabel;
  /** Environment of the cluster; filled in from runlevel.yaml, do not set it by hand. */
  environment: DnsLabel;
  /** Base DNS domain of the cluster; ingress hosts and the SSO host live under it. */
  domain: Hostname;
  /** Kubernetes version the cluster runs, as MAJOR.MINOR (the patch of the pinned Kubernetes when the minor matches, else .0) or MAJOR.MINOR.PATCH. Charts render for it (helm's .Capabilities.KubeVersion) when no cluster is reachable (template, check); deploy, diff and status render for the version the cluster reports. */
  kubernetesVersion: string;
  /** API versions the cluster serves beyond the built-in ones of its Kubernetes version and the CRDs of the platform's charts (CRDs or aggregated APIs installed by others), as group/version or group/version/Kind (helm's .Capabilities.APIVersions). Used when no cluster is reachable; deploy, diff and status read the cluster's own. */
  apiVersions?: string[];
  /** Where the cluster runs. */
  provider: 'local' | 'aws' | 'gcp' | 'azure' | 'onprem';
}

/** Settings of the platform services every cluster runs. */
export interface Platform {
  registry: Registry;
  ingress: Ingress;
  sso: Sso;
  policies: Policies;
  drift: Drift;
  agent: Agent;
  /** PEM bundle of the platform's private CA (certificates only, public). Runlevel 00 puts it in ConfigMap runlevel-system/platform-ca (key ca.crt) and the copy-platform-ca task copies it into every team namespace. Empty: no private CA. */
  ca: string;
}

/** The sync agent (runlevel 95-agent, docs/gitops.md): the pinned core runs in the cluster and follows one branch of this repo. `runlevel bootstrap` sets it up. */
export interface Agent {
  /** Run the agent in this cluster. */
  enabled: boolean;
  /** The core image it runs, as pinned (repository:version, or with @sha256 digest). Set by bootstrap and by the agent when the pin moves. */
  image: string;
  /** git URL of this values repo, as the cluster reaches it (no credentials in it). */
  repo: string;
  /** The branch the cluster follows. */
  branch: string;
  /** Time between sync passes (90s, 1m, 5m). */
  interval: string;
  /** warn: report live drift; correct: repair it. */
  drift: 'warn' | 'correct';
  /** Names of Secrets in runlevel-system the agent mounts. */
  secrets: {
    /** Key age.key: the age key of this repo. */
    ageKey: string;
    /** A kubernetes.io/basic-auth Secret (a read-only token as password); empty for a public repo. */
    gitCredentials: string;
    /** Key secret: the webhook secret; empty: hooks are refused. */
    hookSecret: string;
    /** Key allowed_signers: deploy only commits signed by these keys; empty: no verification. */
    allowedSigners: string;
  };
}

/** Live drift: status and diff compare every object a release deployed with what the cluster holds now, and a plain deploy puts back what was changed or deleted by hand. */
export interface Drift {
  /** Fields someone else owns on purpose (spec.replicas under an autoscaler, an annotation a controller sets): changes to them are neither reported nor repaired. */
  ignore: Array<{
    /** Object kind, e.g. Deployment. */
    kind: string;
    /** Object name; absent: every object of the kind. */
    name?: string;
    /** Object namespace; absent: every namespace. */
    namespace?: string;
    /** The field, as status and diff print it: spec.replicas, spec.template.spec.containers[name=app].image, metadata.annotations["example.com/x"]. A field covers everything under it; * matches any key and [*] any list item. */
    path: string;
  }>;
}

/** Where container images may come from. */
export interface Registry {
  /** Registry mirror: host[:port][/prefix] (e.g. mirror.example.com:5000/platform). Set per environment or cluster. When set, every rendered image is rewritten to it after helm, for every chart: docker.io/library/nginx:1.27 becomes MIRROR/docker.io/library/nginx:1.27 (with @sha256:… when images.lock.yaml pins it); `runlevel images` lists source and mirrored name, and check refuses any image the rewrite cannot reach (hooks, undeclared fields). */
  mirror: string;
  /** Registries images may come from when no mirror is set. */
  allowed: string[];
  /** Credentials for pulling images; put the password in a *.sops.yaml file. */
  pullSecret: {
    /** Create an image pull secret in every team namespace. */
    enabled: boolean;
    /** Registry user name. */
    username: string;
    /** Registry password (secret: keep it in a *.sops.yaml file). */
    password: string;
  };
}

/** The cluster's ingress controller. */
export interface Ingress {
  /** Install the ingress controller. */
  enabled: boolean;
  /** The controller's image. */
  image: ImageOverride;
  /** IngressClass name. */
  className: string;
  /** TLS for every ingress host. */
  tls: {
    /** Serve ingress hosts over TLS. */
    enabled: boolean;
    /** Secret holding the wildcard certificate for *.<cluster.domain>. */
    secretName: DnsLabel;
  };
}

/** Single sign-on (Keycloak, OIDC) for the platform. */
export interface Sso {
  /** Install single sign-on. */
  enabled: boolean;
  /** Keycloak, the identity provider. */
  keycloak: {
    /** Keycloak's image. */
    image: ImageOverride;
    /** Host name of Keycloak (the OIDC issuer); empty means keycloak.<cluster.domain>. */
    hostname: string;
  };
  /** The auth proxy in front of the platform's web UIs. */
  authProxy: {
    /** The auth proxy's image. */
    image: ImageOverride;
  };
  /** OIDC realm holding the platform's users. */
  realm: DnsLabel;
  /** Initial admin password (secret: keep it in a *.sops.yaml file). Required when SSO is enabled. */
  adminPassword: string;
}

/** Output policies checked against every rendered manifest, each with its enforcement and exceptions. */
export interface Policies {
  /** No privileged containers or host namespaces. */
  privileged: Policy;
  /** Every container sets CPU and memory requests and limits. */
  resources: Policy;
  /** Images use a fixed tag or digest, never latest. */
  'image-tag': Policy;
  /** Images come from the mirror or an allowed registry. */
  'allowed-registries': Policy;
  /** Containers run as a non-root user. */
  'run-as-non-root': Policy;
  /** Every team namespace has a default-deny network policy. */
  'team-network-policy': Policy;
  /** Ingress hosts live under cluster.domain. */
  'ingress-host': Policy;
}

/** Why the exception is safe; check prints it beside every finding it covers. */
export type ExceptionReason = string;

/** One policy: whether it runs, whether a violation blocks, and where it does not apply. */
export interface Policy {
  /** Check this policy. */
  enabled: boolean;
  /** deny: a violation fails the check (exit 4); warn: it is reported only. */
  enforcement: 'deny' | 'warn';
  /** Where the policy does not apply. */
  exceptions: {
    /** Namespaces exempt from the policy. */
    namespaces: DnsLabel[];
    /** Teams exempt from the policy (names of teams.<team> entries). */
    teams: TeamName[];
    /** Releases exempt from the policy, each with the reason. check lists the findings they cover. */
    releases?: Array<{
      /** The release name, as in the runlevel file. */
      name: DnsLabel;
      /** Only the release in this namespace. */
      namespace?: DnsLabel;
      reason: ExceptionReason;
    }>;
    /** Objects (kind and name), or one container of an object, exempt from the policy, each with the reason. In the cluster the exception also covers the Pods and ReplicaSets or Jobs the object's controller makes. */
    objects?: Array<{
      /** The object's kind, e.g. DaemonSet. */
      kind: string;
      /** The object's name as rendered. */
      name: string;
      /** Only the object in this namespace. */
      namespace?: DnsLabel;
      /** Only this container of the object. */
      container?: DnsLabel;
      reason: ExceptionReason;
    }>;
  };
}

/** A team: its members, its namespace's quota and network policy, and the apps deployed into it. */
export interface Team {
  /** People with access to the team namespace. */
  members: Array<{
    /** User name as the identity provider knows it, usually an e-mail address. */
    name: string;
    /** admin: manage the namespace; edit: deploy; view: read only. */
    role: 'admin' | 'edit' | 'view';
  }>;
  /** Resource quota of the team namespace. */
  quota: {
    /** Total CPU requests. */
    cpu: Quantity;
    /** Total memory requests. */
    memory: Quantity;
    /** Maximum number of pods. */
    pods: number;
  };
  /** Network policy of the team namespace: traffic is denied except from these namespaces and from inside the namespace. */
  networkPolicy: {
    /** Namespaces allowed to reach the team's pods. */
    allowFromNamespaces: DnsLabel[];
  };
  /** Names of apps.<app> entries deployed into team-<team> (release <team>-<app>). */
  apps: DnsLabel[];
}

/** An application deployed with the platform's app chart into every team that lists it. */
export interface App {
  /** Deploy this app. */
  enabled: boolean;
  /** Container image. */
  image: {
    /** Image repository including the registry, e.g. docker.io/library/nginx. */
    repository: string;
    /** Image tag (quote it: "1.27" is not the number 1.27). */
    tag: string;
  };
  /** Number of pods when autoscaling is off (Deployment spec.replicas, an int32). */
  replicas: number;
  /** Container port the app listens on. */
  port: number;
  /** CPU and memory requests and limits of the app's container. */
  resources: {
    /** Resources reserved for the container. */
    requests: {
      /** CPU request. */
      cpu: Quantity;
      /** Memory request. */
      memory: Quantity;
    };
    /** Upper bounds for the container. */
    limits: {
      /** CPU limit. */
      cpu: Quantity;
      /** Memory limit. */
      memory: Quantity;
    };
  };
  /** Expose the app through the cluster's ingress. */
  ingress: {
    /** Create an Ingress for the app. */
    enabled: boolean;
    /** Host name; must be under cluster.domain. Required when enabled. */
    host: string;
  };
  /** Horizontal pod autoscaling on CPU. */
  autoscaling: {
    /** Scale with a HorizontalPodAutoscaler instead of fixed replicas. */
    enabled: boolean;
    /** Fewest pods (HorizontalPodAutoscaler spec.minReplicas, an int32). */
    minReplicas: number;
    /** Most pods; at least minReplicas (HorizontalPodAutoscaler spec.maxReplicas, an int32). */
    maxReplicas: number;
    /** Average CPU use to aim for, in percent of requests. */
    targetCPUPercent: number;
  };
  /** Free-form overrides merged into the app chart's values. */
  values: Record<string, unknown>;
}

/** runlevel.yaml at the root of a values repo: the core version it pins and its clusters. */
export interface RunlevelFile {
  /** runlevel core version this values repo is written for: one release, x.y.z. A core of another version refuses to touch the repo's clusters (exit 7), and a moving tag such as latest is refused as a pin. */
  core: string;
  /** The values contract this repo is written at (docs/migrations.md). A core reading another contract refuses the repo: one behind is brought forward by `runlevel migrate`, which also sets this; absent means 0, the contract before the first migration. */
  contract?: number;
  /** Clusters by name, each with the environment whose layer it uses. */
  clusters: {
    [key: string]: {
      /** Environment name: selects environments/<environment>/. */
      environment: DnsLabel;
      /** This cluster's own core version (x.y.z), overriding the repo's core: a canary runs a newer core first. */
      core?: string;
      /** Let this cluster's sync agent hand over to an older core than its own when the pin moves back (docs/gitops.md). Without it a pin to an older core is refused. Remove it once the downgrade is done. */
      allowDowngrade?: boolean;
      /** Where the fleet commands (serve --fleet, fleet status) find this cluster: a kubeconfig file (~/ is the home directory; a relative path is taken from the values repo). Else the kubeconfig of --kubeconfig, KUBECONFIG or ~/.kube/config. Never commit a kubeconfig with credentials into the values repo. */
      kubeconfig?: string;
      /** The kubeconfig context that reaches this cluster, for the fleet commands (default: the kubeconfig's current context). */
      context?: string;
    };
  };
  rollout?: Rollout;
}

/** How a change reaches the fleet: ordered stages of clusters (`runlevel rollout`, `runlevel promote`). Each stage deploys its clusters in parallel, then soaks: its health gate must hold for the whole soak before the next stage starts. */
export interface Rollout {
  /** The stages in the order they run, e.g. dev, then staging, then prod. */
  stages: Array<{
    /** The stage's name (`--from NAME`, `promote --to NAME`); unique. */
    name: DnsLabel;
    /** Clusters of runlevel.yaml deployed in parallel in this stage; a cluster belongs to one stage at most. */
    clusters: DnsLabel[];
    /** How long the stage's gate must hold after its deploys before the next stage starts (90s, 10m, 1h; 0s checks it once). */
    soak: string;
    gate?: RolloutGate;
  }>;
  /** How often the gate is read during a soak (default 15s). */
  poll: string;
}

/** What must hold for every cluster of a stage during its soak. Each check is on unless turned off. */
export interface RolloutGate {
  /** Every deployed release is Ready (its gated objects: Deployments available, Jobs done, ...). */
  ready: boolean;
  /** No release drifted or out of sync: the live cluster is what the values render. */
  noDrift: boolean;
  /** No deploy of the cluster failed (or was interrupted) since the stage started. */
  noFailedDeploy: boolean;
}
