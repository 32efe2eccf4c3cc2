{{/*
One app's Deployment; call with (dict "root" $ "app" "worker-app" "values" .Values.workerApp).
*/}}
{{- define "algotask.deployment" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $app := .values -}}
{{- $minGrace := add $v.shutdown.timeoutPerPhaseSeconds $v.shutdown.preStopSleepSeconds 5 -}}
{{- if lt (int $app.terminationGracePeriodSeconds) (int $minGrace) -}}
{{- fail (printf "%s.terminationGracePeriodSeconds must be at least %d: shutdown.timeoutPerPhaseSeconds plus shutdown.preStopSleepSeconds plus 5" .app $minGrace) -}}
{{- end -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "algotask.fullname" $root }}-{{ .app }}
  labels:
    {{- include "algotask.appLabels" (dict "root" $root "app" .app) | nindent 4 }}
spec:
  {{- if not (and $app.autoscaling $app.autoscaling.enabled) }}
  replicas: {{ $app.replicas }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "algotask.selectorLabels" (dict "root" $root "app" .app) | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "algotask.appLabels" (dict "root" $root "app" .app) | nindent 8 }}
      annotations:
        # a changed configuration rolls the pods
        checksum/config: {{ include "algotask.applicationYaml" $root | sha256sum }}
        {{- with $app.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "algotask.serviceAccountName" $root }}
      terminationGracePeriodSeconds: {{ $app.terminationGracePeriodSeconds }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      {{- with $v.image.pullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .app }}
          image: {{ printf "%s:%s" $app.image.repository (default $root.Chart.AppVersion $app.image.tag) | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          securityContext:
            {{- toYaml $v.securityContext | nindent 12 }}
          ports:
            - name: http
              containerPort: {{ $app.ports.http }}
            {{- if $app.ports.grpc }}
            - name: grpc
              containerPort: {{ $app.ports.grpc }}
            {{- end }}
            - name: management
              containerPort: {{ $app.ports.management }}
          env:
            - name: SPRING_CONFIG_ADDITIONALLOCATION
              value: file:/etc/algotask/config/
            - name: JAVA_OPTS
              value: {{ $v.javaOpts | quote }}
            {{- include "algotask.secretEnv" (dict "root" $root "app" .app) | nindent 12 }}
            {{- with $app.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          startupProbe:
            httpGet:
              path: /actuator/health/liveness
              port: http
            periodSeconds: {{ $v.probes.startup.periodSeconds }}
            failureThreshold: {{ $v.probes.startup.failureThreshold }}
          livenessProbe:
            httpGet:
              path: /actuator/health/liveness
              port: http
            periodSeconds: {{ $v.probes.liveness.periodSeconds }}
            failureThreshold: {{ $v.probes.liveness.failureThreshold }}
          readinessProbe:
            httpGet:
              path: /actuator/health/readiness
              port: http
            periodSeconds: {{ $v.probes.readiness.periodSeconds }}
            failureThreshold: {{ $v.probes.readiness.failureThreshold }}
          lifecycle:
            preStop:
              # the pod leaves its Service's endpoints before the app stops taking work
              exec:
                command: ["sleep", "{{ $v.shutdown.preStopSleepSeconds }}"]
          resources:
            {{- toYaml $app.resources | nindent 12 }}
          volumeMounts:
            - name: config
              mountPath: /etc/algotask/config
              readOnly: true
            - name: tmp
              mountPath: /tmp
            {{- if $v.temporal.mtls.existingSecret }}
            - name: temporal-tls
              mountPath: /etc/algotask/temporal-tls
              readOnly: true
            {{- end }}
      volumes:
        - name: config
          configMap:
            name: {{ include "algotask.fullname" $root }}-config
        # the root file system is read-only; the JVM and the web server write here
        - name: tmp
          emptyDir: {}
        {{- if $v.temporal.mtls.existingSecret }}
        - name: temporal-tls
          secret:
            secretName: {{ $v.temporal.mtls.existingSecret }}
            defaultMode: 0440
        {{- end }}
      {{- with $app.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $app.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $app.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}
