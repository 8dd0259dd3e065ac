#!/usr/bin/env python3
"""Write the demo's Kubernetes exports (k8s/heron, k8s/kestrel): kubectl get -o yaml Lists of both clusters.

    python3 tools/k8s-exports.py k8s      (from samples/demo; needs PyYAML)

The files are committed; edit this and rerun it to change the clusters. @REGISTRY_PORT@ is replaced by
scripts/demo-build.py with the demo registry's port."""
import json, os, sys
try:
    import yaml
except ImportError:
    yaml = None
OUT = sys.argv[1]

def dump(path, items):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    doc = {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}
    with open(path, "w") as fh:
        fh.write(yaml.safe_dump(doc, sort_keys=False, default_flow_style=False, width=120))

def ns(name, labels=None):
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": dict({"kubernetes.io/metadata.name": name}, **(labels or {}))}}

def container(name, image, sc=None, ports=None, env=None, res=True, mounts=None):
    c = {"name": name, "image": image, "imagePullPolicy": "IfNotPresent"}
    if ports: c["ports"] = [{"containerPort": p, "protocol": "TCP"} for p in ports]
    if env: c["env"] = env
    if res: c["resources"] = {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}}
    if sc is not None: c["securityContext"] = sc
    if mounts: c["volumeMounts"] = mounts
    return c

HARD = {"runAsNonRoot": True, "runAsUser": 10001, "runAsGroup": 10001, "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}}

def podspec(containers, sa="default", extra=None):
    s = {"serviceAccountName": sa, "containers": containers}
    if sa != "default": s["automountServiceAccountToken"] = False
    s.update(extra or {})
    return s

def deploy(kind, name, namespace, spec, replicas=2, labels=None):
    lab = {"app.kubernetes.io/name": name}
    lab.update(labels or {})
    o = {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "namespace": namespace, "labels": lab},
         "spec": {"selector": {"matchLabels": {"app.kubernetes.io/name": name}},
                  "template": {"metadata": {"labels": lab}, "spec": spec}}}
    if kind in ("Deployment", "StatefulSet"): o["spec"]["replicas"] = replicas
    if kind == "StatefulSet": o["spec"]["serviceName"] = name
    return o

def cron(name, namespace, schedule, spec):
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name, "namespace": namespace},
            "spec": {"schedule": schedule, "jobTemplate": {"spec": {"template": {"metadata": {"labels": {"app.kubernetes.io/name": name}},
                                                                                   "spec": dict(spec, restartPolicy="OnFailure")}}}}}

def svc(name, namespace, port, target, typ="ClusterIP", extra=None, annotations=None):
    o = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": namespace},
         "spec": {"type": typ, "selector": {"app.kubernetes.io/name": name}, "ports": [{"name": "http", "port": port, "targetPort": target, "protocol": "TCP"}]}}
    if annotations: o["metadata"]["annotations"] = annotations
    o["spec"].update(extra or {})
    return o

def ingress(name, namespace, host, service, port, tls):
    o = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": name, "namespace": namespace},
         "spec": {"ingressClassName": "nginx", "rules": [{"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix",
                  "backend": {"service": {"name": service, "port": {"number": port}}}}]}}]}}
    if tls: o["spec"]["tls"] = [{"hosts": [host], "secretName": name + "-tls"}]
    return o

def netpol(name, namespace):
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": name, "namespace": namespace},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}

def sa(name, namespace):
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": namespace}}

def crb(name, role, subjects):
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": name},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role}, "subjects": subjects}

def node(name, kubelet, osimg, runtime, pod_cidr=None):
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": {"kubernetes.io/arch": "amd64", "kubernetes.io/os": "linux"}}, "spec": {"podCIDR": pod_cidr, "podCIDRs": [pod_cidr]},
            "status": {"nodeInfo": {"architecture": "amd64", "containerRuntimeVersion": runtime, "kernelVersion": "6.1.0-26-cloud-amd64",
                                    "kubeProxyVersion": kubelet, "kubeletVersion": kubelet, "operatingSystem": "linux", "osImage": osimg}}}

def version(v):
    return {"clientVersion": {"major": "1", "minor": v.split(".")[1], "gitVersion": v, "platform": "linux/amd64"},
            "serverVersion": {"major": "1", "minor": v.split(".")[1], "gitVersion": v, "platform": "linux/amd64"}}

VOL_LOG = {"volumes": [{"name": "varlog", "hostPath": {"path": "/var/log"}}]}

# ---------------- Heron: hardened, admission-controlled, network policies ----------------
H = "registry.heron.localhost:@REGISTRY_PORT@/heron"
hns = ["tracking", "partners", "data", "monitoring", "ingress-nginx", "security", "cert-manager", "argocd"]
items = [ns(n, {"pod-security.kubernetes.io/enforce": "restricted" if n in ("tracking", "partners", "data") else "baseline",
                "pod-security.kubernetes.io/enforce-version": "latest"}) for n in hns]
dump(f"{OUT}/heron/namespaces.yaml", items)
w = []
def hw(name, nsn, image, ports=None, kind="Deployment", replicas=2, sc=HARD, extra=None, sa_=None):
    w.append(deploy(kind, name, nsn, podspec([container(name, image, sc, ports)], sa_ or name, extra), replicas))
hw("tracking-api", "tracking", f"{H}/tracking/api:2.7.1", [8000], replicas=3)
hw("tracking-worker", "tracking", f"{H}/tracking/api:2.7.1", replicas=4)
hw("tracking-scheduler", "tracking", f"{H}/tracking/api:2.7.1", replicas=1)
hw("shipment-events", "tracking", f"{H}/tracking/events:1.12.0", [8080])
hw("notifications", "tracking", f"{H}/tracking/notifications:3.1.4", [8080])
hw("edge-gateway", "partners", f"{H}/platform/edge-gateway:0.14.2", [8443, 2222], replicas=3)
hw("partner-portal", "partners", f"{H}/partners/portal:4.0.2", [8080])
hw("edi-translator", "partners", f"{H}/partners/edi:2.2.0", [9000])
hw("postgres", "data", f"{H}/mirror/postgres:15.8", [5432], kind="StatefulSet", replicas=3)
hw("redis", "data", f"{H}/mirror/redis:7.2.5", [6379], kind="StatefulSet", replicas=3)
hw("kafka", "data", f"{H}/mirror/apache/kafka:3.7.1", [9092], kind="StatefulSet", replicas=3)
hw("prometheus", "monitoring", f"{H}/mirror/prometheus/prometheus:v2.53.2", [9090], kind="StatefulSet")
hw("grafana", "monitoring", f"{H}/mirror/grafana/grafana:11.1.4", [3000], replicas=1)
hw("alertmanager", "monitoring", f"{H}/mirror/prometheus/alertmanager:v0.27.0", [9093], kind="StatefulSet")
hw("ingress-nginx-controller", "ingress-nginx", f"{H}/mirror/ingress-nginx/controller:v1.11.2", [80, 443], replicas=3,
   sc=dict(HARD, runAsUser=101, runAsGroup=82, capabilities={"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}))
hw("cert-manager", "cert-manager", f"{H}/mirror/jetstack/cert-manager-controller:v1.15.3", replicas=1)
hw("argocd-server", "argocd", f"{H}/mirror/argoproj/argocd:v2.12.3", [8080], replicas=2)
hw("argocd-repo-server", "argocd", f"{H}/mirror/argoproj/argocd:v2.12.3", [8081], replicas=2)
w.append(deploy("DaemonSet", "fluent-bit", "monitoring", podspec([container("fluent-bit", f"{H}/mirror/fluent/fluent-bit:3.1.6",
    dict(HARD, readOnlyRootFilesystem=True), mounts=[{"name": "varlog", "mountPath": "/var/log", "readOnly": True}])], "fluent-bit", VOL_LOG)))
w.append(deploy("DaemonSet", "node-exporter", "monitoring", podspec([container("node-exporter", f"{H}/mirror/prometheus/node-exporter:v1.8.2", HARD, [9100])],
    "node-exporter", {"hostNetwork": True, "hostPID": True})))
w.append(deploy("DaemonSet", "falco", "security", podspec([container("falco", f"{H}/mirror/falcosecurity/falco-no-driver:0.38.2", {"privileged": True})], "falco")))
w.append(deploy("DaemonSet", "falcon-sensor", "security", podspec([container("falcon-node-sensor", f"{H}/mirror/crowdstrike/falcon-sensor:7.18.0",
    {"privileged": True})], "falcon-sensor", {"hostNetwork": True, "hostPID": True})))
w.append(cron("batch-nightly-billing", "data", "15 2 * * *", podspec([container("batch", f"{H}/data/batch-runner:1.9.0", HARD)], "batch-runner")))
w.append(cron("batch-hourly-eta", "data", "5 * * * *", podspec([container("batch", f"{H}/data/batch-runner:1.9.0", HARD)], "batch-runner")))
w.append(cron("postgres-backup", "data", "0 1 * * *", podspec([container("backup", f"{H}/mirror/postgres:15.8", HARD)], "postgres")))
dump(f"{OUT}/heron/workloads.yaml", w)
s = [svc("tracking-api", "tracking", 80, 8000), svc("shipment-events", "tracking", 80, 8080), svc("notifications", "tracking", 80, 8080),
     svc("partner-portal", "partners", 80, 8080), svc("edi-translator", "partners", 9000, 9000),
     svc("edge-gateway", "partners", 443, 8443, "LoadBalancer", {"loadBalancerSourceRanges": ["203.0.113.0/24", "198.51.100.16/28"]}),
     svc("ingress-nginx-controller", "ingress-nginx", 443, 443, "LoadBalancer", {"loadBalancerSourceRanges": ["0.0.0.0/0"]}),
     svc("postgres", "data", 5432, 5432), svc("redis", "data", 6379, 6379), svc("kafka", "data", 9092, 9092),
     svc("prometheus", "monitoring", 9090, 9090), svc("grafana", "monitoring", 80, 3000), svc("argocd-server", "argocd", 443, 8080)]
dump(f"{OUT}/heron/services.yaml", s)
dump(f"{OUT}/heron/ingresses.yaml", [ingress("tracking-api", "tracking", "track.heron.example", "tracking-api", 80, True),
     ingress("partner-portal", "partners", "partners.heron.example", "partner-portal", 80, True),
     ingress("grafana", "monitoring", "grafana.ops.heron.example", "grafana", 80, True)])
dump(f"{OUT}/heron/networkpolicies.yaml", [netpol("default-deny", n) for n in ("tracking", "partners", "data", "monitoring")])
names = sorted({x["spec"]["template"]["spec"]["serviceAccountName"] if x["kind"] != "CronJob" else x["spec"]["jobTemplate"]["spec"]["template"]["spec"]["serviceAccountName"]: x["metadata"]["namespace"] for x in w}.items())
dump(f"{OUT}/heron/rbac.yaml", [sa(n, nsn) for n, nsn in names] + [crb("argocd-application-controller", "cluster-admin",
     [{"kind": "ServiceAccount", "name": "argocd-server", "namespace": "argocd"}])])
dump(f"{OUT}/heron/nodes.yaml", [node(f"heron-prod-eu-np1-{i}", "v1.30.4", "Debian GNU/Linux 12 (bookworm)", "containerd://1.7.20", f"10.244.{i}.0/24") for i in range(1, 7)])
with open(f"{OUT}/heron/version.json", "w") as fh: json.dump(version("v1.30.4"), fh, indent=2); fh.write("\n")

# ---------------- Kestrel: flat, privileged, exposed ----------------
K = "registry.kestrel.localhost:@REGISTRY_PORT@/kestrel"
kns = ["payments", "checkout", "ledger", "ops", "ci", "monitoring", "default"]
dump(f"{OUT}/kestrel/namespaces.yaml", [ns(n) for n in kns])
w = []
ROOT = {"runAsUser": 0}
def kw(name, nsn, image, ports=None, kind="Deployment", replicas=2, sc=None, extra=None, env=None, res=False, sa_="default"):
    w.append(deploy(kind, name, nsn, podspec([container(name, image, sc, ports, env, res)], sa_, extra), replicas))
kw("payments-api", "payments", f"{K}/payments/api:3.2.0", [8080], replicas=4, sc=ROOT,
   env=[{"name": "DB_HOST", "value": "postgres.payments.svc"}, {"name": "DB_PASSWORD", "value": "Kestrel2019!"},
        {"name": "PSP_API_KEY", "valueFrom": {"secretKeyRef": {"name": "psp", "key": "api-key"}}}])
kw("payments-reconciler", "payments", f"{K}/payments/api:3.2.0", replicas=1, sc=ROOT)
kw("fraud-scoring", "payments", f"{K}/payments/fraud:0.9.3", [5000], res=True)
kw("card-vault-proxy", "payments", f"{K}/payments/vault-proxy:1.4.1", [8443], sc={"allowPrivilegeEscalation": False})
kw("checkout-web", "checkout", f"{K}/checkout/web:5.4.0", [3000], replicas=6, res=True)
kw("checkout-bff", "checkout", f"{K}/checkout/bff:2.8.0", [8080], replicas=3)
kw("merchant-dashboard", "checkout", f"{K}/checkout/merchant-dashboard:latest", [8080])
kw("ledger-admin", "ledger", f"{K}/ledger/admin:1.0.7", [80], replicas=1, sc={"privileged": True},
   extra={"volumes": [{"name": "host", "hostPath": {"path": "/"}}]})
kw("ledger-api", "ledger", f"{K}/ledger/api:2.3.1", [8080])
kw("postgres", "payments", f"{K}/mirror/postgres:13.11", [5432], kind="StatefulSet", replicas=1, sc=ROOT)
kw("redis", "checkout", f"{K}/mirror/redis:7.0.11", [6379], kind="StatefulSet", replicas=1)
kw("rabbitmq", "payments", f"{K}/mirror/rabbitmq:3.11.18-management", [5672, 15672], kind="StatefulSet", replicas=3)
kw("jenkins", "ci", f"{K}/ci/jenkins:2.401.3-lts", [8080, 50000], kind="StatefulSet", replicas=1, sc={"privileged": True}, sa_="jenkins",
   extra={"volumes": [{"name": "docker-sock", "hostPath": {"path": "/var/run/docker.sock"}}]})
kw("sonarqube", "ci", f"{K}/mirror/sonarqube:9.9.1-community", [9000], replicas=1)
kw("grafana", "monitoring", f"{K}/mirror/grafana/grafana:10.2.0", [3000], replicas=1)
kw("prometheus", "monitoring", f"{K}/mirror/prometheus/prometheus:v2.26.0", [9090], kind="StatefulSet", replicas=1)
kw("kibana", "ops", f"{K}/mirror/elastic/kibana:7.10.2", [5601], replicas=1)
kw("elasticsearch", "ops", f"{K}/mirror/elastic/elasticsearch:7.10.2", [9200], kind="StatefulSet", replicas=3, sc={"privileged": True})
kw("debug-shell", "default", f"{K}/tools/netshoot:latest", replicas=1, sc={"privileged": True}, extra={"hostNetwork": True, "hostPID": True})
kw("php-myadmin", "ledger", f"{K}/mirror/phpmyadmin:5.2.1", [80], replicas=1)
w.append(deploy("DaemonSet", "datadog-agent", "monitoring", podspec([container("agent", f"{K}/mirror/datadog/agent:7.45.0", {"privileged": True}, [8125])],
    "datadog-agent", {"hostPID": True, "volumes": [{"name": "proc", "hostPath": {"path": "/proc"}}]})))
w.append(deploy("DaemonSet", "falcon-sensor", "ops", podspec([container("falcon-node-sensor", f"{K}/mirror/crowdstrike/falcon-sensor:6.51.0",
    {"privileged": True})], "falcon-sensor", {"hostNetwork": True, "hostPID": True})))
w.append(deploy("DaemonSet", "filebeat", "ops", podspec([container("filebeat", f"{K}/mirror/elastic/filebeat:7.10.2", ROOT,
    mounts=[{"name": "varlog", "mountPath": "/var/log"}])], "default", VOL_LOG)))
w.append(cron("settlement-export", "payments", "30 23 * * *", podspec([container("export", f"{K}/legacy/settlement-export:legacy", ROOT)])))
w.append(cron("ledger-close", "ledger", "0 0 * * *", podspec([container("close", f"{K}/ledger/admin:1.0.7", ROOT)])))
w.append(cron("db-backup", "payments", "0 3 * * *", podspec([container("backup", f"{K}/mirror/postgres:13.11", ROOT,
    env=[{"name": "PGPASSWORD", "value": "Kestrel2019!"}])])))
w.append(cron("cert-renew", "ops", "0 4 * * 1", podspec([container("certbot", f"{K}/mirror/certbot/certbot:v2.7.1", ROOT)])))
w.append({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "tmp-migration-2024", "namespace": "default"},
          "spec": podspec([container("psql", f"{K}/mirror/postgres:13.11", ROOT, res=False)])})
dump(f"{OUT}/kestrel/workloads.yaml", w)
s = [svc("payments-api", "payments", 80, 8080), svc("fraud-scoring", "payments", 80, 5000), svc("card-vault-proxy", "payments", 8443, 8443),
     svc("checkout-web", "checkout", 80, 3000, "LoadBalancer"), svc("checkout-bff", "checkout", 80, 8080),
     svc("merchant-dashboard", "checkout", 80, 8080, "LoadBalancer"),
     svc("ledger-admin", "ledger", 80, 80, "NodePort", {"ports": [{"name": "http", "port": 80, "targetPort": 80, "nodePort": 30080, "protocol": "TCP"}]}),
     svc("ledger-api", "ledger", 80, 8080), svc("postgres", "payments", 5432, 5432), svc("redis", "checkout", 6379, 6379),
     svc("rabbitmq", "payments", 15672, 15672, "LoadBalancer"), svc("jenkins", "ci", 80, 8080, "LoadBalancer"),
     svc("sonarqube", "ci", 80, 9000), svc("grafana", "monitoring", 80, 3000, "NodePort"), svc("kibana", "ops", 80, 5601),
     svc("php-myadmin", "ledger", 80, 80, "LoadBalancer")]
dump(f"{OUT}/kestrel/services.yaml", s)
dump(f"{OUT}/kestrel/ingresses.yaml", [ingress("checkout", "checkout", "pay.kestrel.example", "checkout-web", 80, True),
     ingress("payments-api", "payments", "api.kestrel.example", "payments-api", 80, False),
     ingress("kibana", "ops", "logs.kestrel.example", "kibana", 80, False)])
dump(f"{OUT}/kestrel/rbac.yaml", [sa("jenkins", "ci"), sa("datadog-agent", "monitoring"), sa("falcon-sensor", "ops"),
     crb("jenkins-admin", "cluster-admin", [{"kind": "ServiceAccount", "name": "jenkins", "namespace": "ci"}]),
     crb("dev-team-admin", "cluster-admin", [{"kind": "Group", "name": "kestrel:developers", "apiGroup": "rbac.authorization.k8s.io"}]),
     crb("default-sa-view", "view", [{"kind": "ServiceAccount", "name": "default", "namespace": "default"}])])
dump(f"{OUT}/kestrel/nodes.yaml", [node(f"kestrel-prod-{i}", "v1.24.17", "Ubuntu 20.04.6 LTS", "containerd://1.6.12", f"10.244.{i}.0/24") for i in range(1, 5)])
with open(f"{OUT}/kestrel/version.json", "w") as fh: json.dump(version("v1.24.17"), fh, indent=2); fh.write("\n")
