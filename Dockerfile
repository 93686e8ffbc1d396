# Heaters daemon image. Debian 12 (bookworm) so the apt packages match the ones the tests run on.
# Node 24 comes from the official node image; we run our .ts sources directly (type stripping).
FROM node:24-bookworm-slim

# ffmpeg/ffprobe, and the Python the workers run: cv2 + numpy from Debian.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg python3 python3-opencv python3-numpy python3-pip ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# Debian's yt-dlp is from 2023 and cannot follow YouTube: pin a current release instead.
# [default] brings yt-dlp-ejs, whose JS challenge solver can use the node already in this image.
ARG YT_DLP_VERSION=2026.8.19
RUN pip3 install --no-cache-dir --break-system-packages "yt-dlp[default]==${YT_DLP_VERSION}"

WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only: the image already has Node 24, so the `node` devDependency is not needed.
# ffmpeg-static is optional and skipped: the Debian ffmpeg above is used.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force
COPY src ./src
COPY python ./python
COPY bin ./bin
COPY schema ./schema

# compose.yaml sets the database, the store and a non-loopback HTTP bind (with its token) on top of
# these; test/compose.test.ts checks that the two agree (ports, env, volumes).
ENV NODE_ENV=production \
    HEATERS_PYTHON=/usr/bin/python3 \
    HEATERS_DATA_DIR=/data \
    HEATERS_LOCAL_FILES=/data/inbox \
    HEATERS_HTTP_PORT=8080 \
    FFMPEG_PATH=/usr/bin/ffmpeg \
    FFPROBE_PATH=/usr/bin/ffprobe

RUN mkdir -p /data/inbox && chown -R node:node /data
VOLUME ["/data"]
USER node

# Health, readiness, metrics and the review API and page (loopback unless HEATERS_HTTP_HOST says
# otherwise, which needs HEATERS_REVIEW_TOKEN). The health check sends the token when there is one.
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HEATERS_HTTP_PORT || '8080') + '/healthz', { headers: process.env.HEATERS_REVIEW_TOKEN ? { authorization: 'Bearer ' + process.env.HEATERS_REVIEW_TOKEN } : {} }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# SIGTERM drains in-flight jobs and the Python pools (see README "Shutdown").
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/heaters.js"]
CMD ["daemon"]
