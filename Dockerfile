# The Causality images, built from the repository with Maven:
# - the default target, `causality:dev` in docker-compose.yml and deploy/kubernetes: the ingest
#   service (`ingest`) and the one-shot cluster setup (`setup`, io.causality.stack.cli.ClusterSetup),
#   with the jobs jar the setup submits, run on a JRE as an unprivileged user;
# - `--target flink`, `causality-flink:dev` in deploy/kubernetes: the official Flink image with the
#   jobs jar in usrlib/ and the S3 file system plugin enabled, for the Flink Kubernetes Operator's
#   application clusters.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -Dspotless.check.skip=true -pl stack,jobs -am install \
 && mvn -B -q -pl stack dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/out/lib \
 && cp stack/target/causality-stack-*.jar /out/lib/ \
 && cp jobs/target/*-flink.jar /out/causality-jobs.jar

FROM flink:2.3.0-java17 AS flink
RUN mkdir -p /opt/flink/plugins/s3-fs-hadoop \
 && cp /opt/flink/opt/flink-s3-fs-hadoop-2.3.0.jar /opt/flink/plugins/s3-fs-hadoop/
COPY --from=build --chown=flink:flink /out/causality-jobs.jar /opt/flink/usrlib/causality-jobs.jar

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 causality
COPY --from=build /out /opt/causality
COPY deploy/compose/entrypoint.sh /opt/causality/entrypoint.sh
COPY stack/src/main/resources/io/causality/stack/ingest-log4j2.xml /opt/causality/log4j2.xml
USER causality
EXPOSE 8080
ENTRYPOINT ["/opt/causality/entrypoint.sh"]
CMD ["ingest"]
