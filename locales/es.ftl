# Las palabras de Candor en español: todo lo que un cliente lee y que Candor
# escribe por sí mismo. El texto de los ingenieros se muestra tal como se
# escribió y no está aquí. Tiene los mismos mensajes que en.ftl.

language-name = Español
chrono-locale = es_ES
decimal-mark = ,

## Fechas y horas: patrones de chrono

date-clock = %H:%M %Z
date-clock-seconds = %H:%M:%S %Z
date-day-clock = %-d %b %H:%M %Z
date-full = %a %-d %b %Y, %H:%M %Z
date-day-time = %a %-d %b, %H:%M %Z
date-month = %B de %Y
date-day = %a %-d %b
date-day-year = %a %-d %b %Y
date-day-short = %-d %b
date-day-long = %A %-d de %B de %Y
date-time = %H:%M
date-day-year-short = %-d %b %Y

## Duraciones

lasted-minute = desde hace un minuto
lasted-minutes = desde hace { $n ->
    [one] 1 minuto
   *[other] { $n } minutos
  }
lasted-hours = desde hace { $n ->
    [one] 1 hora
   *[other] { $n } horas
  }
lasted-days = desde hace { $n ->
    [one] 1 día
   *[other] { $n } días
  }
in-minute = en un minuto aproximadamente
in-hour = en una hora aproximadamente
in-minutes = en unos { $n ->
    [one] 1 minuto
   *[other] { $n } minutos
  }
in-hours = en unos { $n ->
    [one] 1 hora
   *[other] { $n } horas
  }
in-days = en unos { $n ->
    [one] 1 día
   *[other] { $n } días
  }
span-none = menos de un minuto
span-minutes = { $n ->
    [one] 1 minuto
   *[other] { $n } minutos
  }
span-hours = { $n ->
    [one] 1 hora
   *[other] { $n } horas
  }
span-days = { $n ->
    [one] 1 día
   *[other] { $n } días
  }

## Estados

status-operational = Operativo
status-degraded_performance = Rendimiento degradado
status-partial_outage = Interrupción parcial
status-major_outage = Interrupción grave
status-under_maintenance = En mantenimiento
status-lower-operational = operativo
status-lower-degraded_performance = rendimiento degradado
status-lower-partial_outage = interrupción parcial
status-lower-major_outage = interrupción grave
status-lower-under_maintenance = en mantenimiento
incident-status-investigating = Investigando
incident-status-identified = Identificado
incident-status-monitoring = En observación
incident-status-resolved = Resuelto
incident-status-postmortem = Análisis posterior
maintenance-status-scheduled = Programado
maintenance-status-in_progress = En curso
maintenance-status-verifying = Verificando
maintenance-status-completed = Completado
impact-none = Sin impacto
impact-minor = Leve
impact-major = Grave
impact-critical = Crítico

## Listas de nombres

list-and = { $init } y { $last }
list-separator = ,{" "}
list-more = { $shown } y { $rest } más
group-all = Todo { $group } ({ $n } componentes)
group-some = { $n } componentes de { $group }

## Lo que encontraron las comprobaciones

check-failing = fallando
check-says = { $check }: { $reason }
seen-from = desde { $failing }
seen-from-fine = desde { $failing } ({ $fine } bien)
evidence-since = { $said } en { $runs ->
    [one] 1 comprobación
   *[other] { $runs } comprobaciones seguidas
  } desde las { $since }.
evidence-plain = { $said }.
why-maintenance = Mantenimiento programado: { $name }
incident-name-automatic = { $components }: { $status }

## Las notas propias de Candor sobre incidentes y mantenimientos

note-detected = Detectado automáticamente. { $evidence }
note-now = Ahora { $status }. { $evidence }
note-now-component = { $component }: ahora { $status }. { $evidence }
note-joined = { $component } también está afectado: { $status }. { $evidence }
note-recovered = { $component } vuelve a estar operativo.
note-split = { $components } { $n ->
    [one] pasó a un incidente propio
   *[other] pasaron a un incidente propio
  }.
note-failing-again = Vuelve a fallar. { $evidence }
note-failing-again-component = { $component } vuelve a fallar. { $evidence }
note-passing = Las comprobaciones vuelven a pasar.
note-resolved-by-checks = Las comprobaciones vuelven a pasar; resuelto automáticamente.
note-maintenance-scheduled = Mantenimiento programado.
note-maintenance-started = El mantenimiento ha comenzado.
note-maintenance-ended = La ventana de mantenimiento ha terminado.

## Por qué falló una comprobación (las frases propias de HTTP, como "503 Service Unavailable", no se traducen)

reason-connection-refused = conexión rechazada
reason-connection-reset-body = conexión restablecida mientras se leía el cuerpo
reason-connection-reset = conexión restablecida
reason-connection-aborted = conexión abortada
reason-connection-closed-body = conexión cerrada antes de completar el cuerpo
reason-connection-closed = conexión cerrada antes de una respuesta
reason-connection-timed-out = tiempo de conexión agotado
reason-host-unreachable = host inalcanzable
reason-network-unreachable = red inalcanzable
reason-cert-expired = el certificado TLS ha caducado
reason-cert-not-valid-yet = el certificado TLS aún no es válido
reason-cert-unknown-issuer = certificado TLS no emitido por una autoridad de confianza (autofirmado, o de una CA privada)
reason-cert-revoked = el certificado TLS ha sido revocado
reason-cert-bad-signature = certificado TLS no fiable: su firma no es de la autoridad que nombra
reason-cert-ca-as-server = el certificado TLS es de una CA, no de un servidor
reason-cert-wrong-purpose = el certificado TLS no es para servidores (su uso de clave)
reason-cert-malformed = el certificado TLS está mal formado
reason-cert-unsupported-algorithm = el certificado TLS está firmado con un algoritmo no admitido
reason-cert-unknown-critical-extension = el certificado TLS tiene una extensión crítica desconocida
reason-cert-revocation-unknown = se desconoce si el certificado TLS está revocado
reason-cert-server-as-ca = la cadena TLS tiene un certificado de servidor como autoridad
reason-cert-name-not-permitted = el certificado TLS nombra un host que su autoridad no puede certificar
reason-cert-other = certificado TLS no aceptado
reason-slow = lento: respondió en { $took } (más de { $limit })
reason-timed-out = tiempo agotado tras { $after }
reason-connect-timed-out = tiempo agotado al conectar tras { $after }
reason-unresolved-host = no se pudo resolver el host { $host }
reason-too-many-redirects = demasiadas redirecciones (más de { $max })
reason-tls-alert = falló el saludo TLS (alerta del servidor: { $alert })
reason-tls-handshake = falló el saludo TLS: { $detail }
reason-client-setup = configuración del cliente: { $detail }
reason-body-read-failed = falló la lectura del cuerpo: { $detail }
reason-body-missing = el cuerpo no contenía { $text }
reason-body-missing-within = el cuerpo no contenía { $text } (en su primer { $size })
reason-json-too-large = el cuerpo supera { $size }, demasiado grande para leerlo como JSON (se esperaba { $pointer } = { $expected })
reason-not-json = el cuerpo no es JSON (se esperaba { $pointer } = { $expected })
reason-json-missing = el JSON no tiene { $pointer }
reason-json-mismatch = el JSON { $pointer } era { $found }, se esperaba { $expected }
reason-cert-not-for = el certificado TLS no es para { $host }
reason-cert-for-other = el certificado TLS es para { $names }, no para { $host }
reason-cert-names-more = { $names } y { $n } más
reason-cert-expired-ago = el certificado caducó hace { $days ->
    [one] 1 día
   *[other] { $days } días
  }
reason-cert-expired-today = el certificado caducó hace menos de un día
reason-cert-expires-today = el certificado caduca hoy
reason-cert-expires-in = el certificado caduca en { $days ->
    [one] 1 día
   *[other] { $days } días
  }

## Páginas de incidentes y mantenimientos

crumb-current-status = Estado actual
record-status = Estado: { $status }
postmortem = Análisis posterior
postmortem-published = Publicado
fact-window = Ventana
fact-components = Componentes
fact-started = Inicio
fact-resolved = Resuelto
fact-duration = Duración
fact-affected = Afectados
affected-each = Cada uno de los { $n } componentes
answer-why = Por qué:
answer-why-unknown = En investigación
answer-back = Vuelta prevista:
answer-meanwhile = Mientras tanto:
back-working-again = Funciona de nuevo desde las { $time }; lo daremos por resuelto cuando las comprobaciones sigan pasando.
back-no-estimate = Aún sin estimación
back-by = hacia las { $time }, { $within }
back-passed = La estimación de las { $time } ha pasado; publicaremos una nueva.
impact-badge-none = Sin impacto
impact-badge-minor = Impacto leve
impact-badge-major = Impacto grave
impact-badge-critical = Impacto crítico
maintenance-badge = Mantenimiento
updates = Actualizaciones
update-change = { $component }: { $old } → { $new }
update-automatic = Publicado automáticamente

## Componentes

components = Componentes
group-count = { $n ->
    [one] 1 componente
   *[other] { $n } componentes
  }
group-count-affected = { $n ->
    [one] 1 componente
   *[other] { $n } componentes
  }, { $affected } { $affected ->
    [one] afectado
   *[other] afectados
  }
component-now = Ahora
component-unchecked = Sin comprobar
component-since = { $status } desde las { $since } ({ $lasted })
silent = Sin datos desde { $places }
silent-since = Sin datos de { $places } desde las { $since }
last-checked = Última comprobación: { $at }
not-checked-yet = Aún sin comprobar
why-see = ver { $incident }
why-engineers = Fijado por nuestros ingenieros

## Disponibilidad

percent = { $n } %
uptime-since = desde el { $day } ({ $days ->
    [one] 1 día
   *[other] { $days } días
  } con datos)
uptime-no-data = sin datos en { $days } días
uptime-figure = { $percent } de disponibilidad en { $days } días
uptime-figure-since = { $percent } de disponibilidad { $since }
bar-label = { $component }: disponibilidad por día del { $range }, del más antiguo al más reciente
days-ago = hace { $days } días
today = Hoy
days-range = { $from } al { $to }
day-uptime = { $day }: { $percent } de disponibilidad
day-uptime-maintenance = { $day }: { $percent } de disponibilidad, con mantenimiento
day-maintenance = { $day }: en mantenimiento
day-no-data = { $day }: sin datos
day-incidents = ; { $n ->
    [one] incidente
   *[other] { $n } incidentes
  }: { $names }
days-in-words = Cada día, en palabras
no-data = sin datos
last-24-hours = Últimas 24 horas
n-days = { $days } días
tally-downtime = { $n ->
    [0] , sin caídas
    [one] , 1 día con caídas
   *[other] , { $n } días con caídas
  }
tally-maintenance = , { $n } con mantenimiento
tally-no-data = , { $n } sin datos
uptime-over-60 = {" "}de disponibilidad en 60 días
uptime-over-30 = {" "}de disponibilidad en 30 días

## Todas las páginas

skip-to-content = Saltar al contenido
get-updates = Recibir avisos
updated-at = Actualizado: { $at }
reload = Recargar
times-shown-in = Las horas se muestran en { $zone }.
powered-by = Funciona con Candor.
times-shown-in-yours = Las horas se muestran en su zona horaria ({ $zone }).

## La página de estado

history-link = Incidentes y mantenimientos pasados
subscribe-title = Recibir avisos por correo
subscribe-what = Le escribimos cuando un incidente empieza, cambia o termina, y antes de un mantenimiento programado.
subscribe-every = Este formulario sigue todos los componentes; { $choose } en una página aparte.
subscribe-choose = elija componentes
banner-operational = Todos los sistemas operativos
banner-incidents-open = { $n ->
    [one] Hay un incidente en curso
   *[other] Hay { $n } incidentes en curso
  }
banner-affected = Afectados: { $components }
current-incidents = Incidentes en curso
affected-label = Afectados:
latest-update = Última actualización: { $status }
scheduled-maintenance = Mantenimiento programado
maintenance-starts = , empieza { $within }
maintenance-when = Cuándo:

## La página de un componente

since-time = desde las { $time }
uptime = Disponibilidad
uptime-how = La disponibilidad cuenta las interrupciones por su duración: una interrupción grave entera, una parcial al 30 %; el rendimiento degradado cuenta como disponible, y el mantenimiento y el tiempo que no pudimos observar no cuentan.
latency-title = Tiempo de respuesta, últimas 24 horas
other-checks = Otras comprobaciones
recent-incidents = Incidentes recientes
no-recent-incidents = Ningún incidente afectó a { $component }.
status-started = { $status } · empezó el { $at }
history-link-all = Todos los incidentes y mantenimientos pasados

## Desde dónde se comprueba un componente

checked-from = Comprobado desde
places-unchecked = No se está comprobando ahora: ninguna ubicación ha informado recientemente. El estado mostrado es el último que confirmaron las comprobaciones.
places-unconfirmed = Problema visto solo desde { $places }: { $findings }. Las demás ubicaciones lo ven funcionar, así que el estado no cambia.
place-result = { $health } · { $ms } ms · último resultado { $at }
place-no-data-since = Sin datos desde las { $at }
place-no-data = Aún sin datos
health-up = Operativo
health-degraded = Degradado
health-down = Fallando

## Gráficos de tiempo de respuesta

chart-title = Tiempo de respuesta de { $check }, últimas 24 horas
hours-ago = hace { $hours } h
now = ahora
under-1-ms = menos de 1 ms
chart-no-results = sin resultados en las últimas 24 horas.
chart-no-answers = sin respuestas en las últimas 24 horas; { $n ->
    [one] 1 ejecución fallida (marca roja).
   *[other] { $n } ejecuciones fallidas (marcas rojas).
  }
chart-average = media de { $mean } en 24 horas (la línea: la media de cada 10 minutos)
chart-slowest = ; la más lenta { $slowest } (en los 10 minutos desde las { $at })
chart-failed = { $n ->
    [0] ; ninguna ejecución fallida.
    [one] ; 1 ejecución fallida (marca roja).
   *[other] ; { $n } ejecuciones fallidas (marcas rojas).
  }

## Historial

history-title = Historial de incidentes
history-title-page = Historial de incidentes, página { $n }
history-empty = No hay incidentes pasados.
history-lasted = duró { $span }
history-window = ventana de { $span }
history-pages = Páginas del historial
history-newer = Más recientes
history-older = Más antiguos
history-page = Página { $n }

## Canales

feed-description = Incidentes y mantenimientos de { $site }

## Correos

mail-resolved = Este incidente está resuelto.
mail-status = Estado
mail-why = Por qué
mail-why-unknown = Todavía estamos investigando la causa.
mail-back = Vuelta prevista
mail-meanwhile = Mientras tanto
mail-follow = Seguir este incidente
mail-impact = Impacto
mail-eta = hacia las %H:%M %Z (%-d %b)
mail-no-estimate = Aún no tenemos una estimación.
mail-latest-update = Última actualización ({ $at })
mail-feedback-question = ¿Le funciona todo ya?
mail-feedback-working = Sí, funciona
mail-feedback-broken = No, sigue fallando
mail-feedback-note = Basta con un clic: su respuesta llega directamente al equipo que trabajó en este incidente.
mail-when = Cuándo
mail-details = Detalles
mail-see-page = Verlo en la página de estado
mail-maintenance-starts = Este mantenimiento empieza { $within }.
mail-maintenance-soon = Este mantenimiento empieza pronto.
mail-maintenance-started = Este mantenimiento está en curso.
mail-maintenance-completed = Este mantenimiento ha terminado.
mail-maintenance-scheduled = Hemos programado un mantenimiento.
mail-footer-why = Recibe esto porque se suscribió a avisos sobre { $what } en { $site }.
mail-manage = Gestionar su suscripción
mail-unsubscribe = Darse de baja
mail-everything = todo
mail-n-components = { $n ->
    [one] 1 componente
   *[other] { $n } componentes
  }
mail-n-other-components = { $n ->
    [one] 1 componente más
   *[other] { $n } componentes más
  }
mail-confirm-title = Confirme su suscripción
mail-confirm-asked = Alguien, probablemente usted, pidió recibir avisos de estado de { $site } en esta dirección.
mail-confirm-button = Confirmar para empezar a recibir avisos
mail-confirm-nothing = No se enviará nada a esta dirección si no confirma. La solicitud caduca en { $days } días.
mail-not-you = Si no fue usted, ignore este correo.
mail-manage-title = Su suscripción
mail-manage-asked = Alguien, probablemente usted, pidió suscribir esta dirección a { $site }. Ya está suscrita, así que nada ha cambiado.
mail-manage-there = Allí puede elegir sobre qué recibe avisos, o darse de baja.
mail-site-footer = Enviado por { $site } ({ $url }) porque esta dirección se introdujo en su formulario de suscripción.
mail-affected = Afectados
mail-and-more = y { $n } más
mail-and-others = { $n ->
    [one] y 1 componente más
   *[other] y { $n } componentes más
  }
mail-group-count = { $group }: { $n } componentes
mail-subject-maintenance = Mantenimiento programado: { $name }
mail-subject-starts = empieza { $within }
mail-subject-soon = empieza pronto
mail-subject-in-progress = en curso
mail-subject-completed = terminado

## Insignias (cortas: miden unos pocos píxeles)

badge-label = estado
badge-operational = operativo
badge-degraded_performance = degradado
badge-partial_outage = interrupción parcial
badge-major_outage = interrupción grave
badge-under_maintenance = mantenimiento

## Suscribirse

form-email = Correo electrónico
form-email-hint = Le enviaremos un enlace para confirmar. No enviamos nada más hasta que confirme.
form-subscribe = Suscribirse
form-fix = Corrija esto:
form-which = ¿Qué componentes?
form-which-hint = No marque ninguno para recibir todo, incluidos los componentes que se añadan después.
form-follow-all = Sigue todos los componentes, incluidos los que se añadan después.
form-follow = Sigue:
form-language = Idioma de los correos
form-unknown-components = { $n ->
    [one] No hay ningún componente { $ids }: elija de la lista.
   *[other] No hay componentes { $ids }: elija de la lista.
  }
form-email-missing = Introduzca su correo electrónico.
form-email-long = Ese correo es demasiado largo (como mucho { $max } caracteres).
form-email-refused = "{ $given }" no es un correo al que podamos escribir ({ $why }); debería parecerse a nombre@ejemplo.com.
form-email-unmailable = las direcciones entre comillas o con una [dirección IP] como dominio no pueden recibir correo
signup-title = Recibir avisos de estado por correo
signup-page = Suscribirse
inbox-title = Revise su bandeja de entrada
inbox-lead = Si { $email } puede recibir correo, le llega un mensaje con un enlace.
inbox-open = Abra el enlace para confirmar su suscripción (si esta dirección ya está suscrita, el enlace le permite gestionarla). Los enlaces de confirmación valen { $days } días.
inbox-nothing = ¿No le ha llegado nada? Mire en la carpeta de spam, o { $again }.
inbox-try-again = inténtelo de nuevo
capped-title = Demasiados correos a esta dirección hoy
capped-lead = Ya hemos enviado varios correos a esta dirección hoy; inténtelo mañana.
capped-earlier = Busque nuestros mensajes anteriores (también en la carpeta de spam): sus enlaces siguen funcionando.
capped-page = Inténtelo mañana
too-many-title = Demasiadas solicitudes
too-many-lead = Demasiadas solicitudes desde su red; inténtelo de nuevo en { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minutos
  }.
confirmed-title = Está suscrito
confirmed-lead = Escribiremos a { $email } cuando algo cambie.
confirmed-change = Cambiar lo que sigue, o darse de baja
confirmed-every-email = Cada correo que enviamos lleva también este enlace.
manage-saved = Guardado.
manage-lead = Los correos van a { $email }.
manage-unconfirmed = Esta suscripción aún no está confirmada, así que no se envía nada.
manage-confirm = Confirmarla
manage-save = Guardar
unsubscribe-title = ¿Darse de baja?
unsubscribe-lead = No recibirá más correos de estado nuestros.
unsubscribe-fewer = Seguir menos componentes en su lugar
unsubscribed-title = Se ha dado de baja
unsubscribed-lead = No le enviaremos más correos de estado.
unsubscribed-again = ¿Ha cambiado de opinión? { $again }.
unsubscribed-subscribe = Suscríbase de nuevo
gone-title = Este enlace ya no funciona
gone-lead = Este enlace ha caducado o ya se usó; { $again }.
gone-subscribe = suscríbase de nuevo
gone-page = Enlace caducado
thanks-title = Gracias
thanks-working = Hemos anotado que le funciona tras { $incident }.
thanks-broken = Hemos anotado que sigue fallándole tras { $incident }.
thanks-broken-note = Nuestros ingenieros ven cada respuesta como la suya. Si sigue fallando, contacte también con soporte.
thanks-change-broken = Me sigue fallando
thanks-change-working = Ya me funciona
bad-form-title = Formulario ilegible
bad-form-lead = No se pudo leer el formulario, así que no se cambió nada. Vuelva atrás, recargue la página e inténtelo de nuevo.
unavailable-title = No guardado
unavailable-lead = Algo falló de nuestro lado y no se cambió nada. Inténtelo de nuevo en un minuto.
unavailable-page = Inténtelo de nuevo
back-to-status = Volver a la página de estado

## Informes de «Me afecta» (los formularios de la página de estado y de cada componente, /report, las respuestas)

report-index-title = ¿Algo no le funciona?
report-index-hint = Díganos qué parte: nuestro equipo ve cada informe, y muchos informes sobre una misma parte nos llevan a revisarla aunque nuestras comprobaciones no vean ningún fallo.
report-index-link = Díganos qué no funciona
report-component-title = ¿No le funciona?
report-component-hint = Si { $name } no le funciona, pulse el botón: nuestro equipo ve cada informe.
report-component-label = ¿Qué parte no funciona?
report-component-placeholder = Elija…
report-text-label = ¿Qué ocurre? (opcional)
report-text-hint = Como máximo { $max } caracteres. Solo lo lee nuestro equipo; no incluya contraseñas ni datos personales. No hace falta ninguna dirección de correo.
report-button = Me afecta
report-page-title = Informar de un problema
report-thanks-title = Gracias: el equipo ve su informe
report-thanks-lead = Gracias: el equipo ve su informe sobre { $name }.
report-thanks-body = Los informes nos ayudan a notar problemas que nuestras comprobaciones pueden pasar por alto. No respondemos a los informes, y lo que escribió nunca se muestra en la página de estado. Lo que sabemos, y cuándo se resuelve, está en la página de estado.
report-back-to = Volver a { $name }
report-too-many-title = Demasiados informes
report-too-many-lead = Acabamos de recibir varios informes desde su red, así que este no se ha contado. Inténtelo de nuevo en { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minutos
  }; los informes anteriores ya llegaron a nuestro equipo.
report-unknown-title = No existe ese componente
report-unknown-lead = No hay ningún componente «{ $id }» en esta página de estado, así que no se informó de nada.
report-fix-this = Corrija esto, por favor:
report-not-sent = Informe no enviado
report-no-component = Elija qué parte no funciona.
report-text-too-long = Lo que escribió tiene { $chars } caracteres; un informe guarda como máximo { $max }. Acórtelo y envíelo de nuevo.
report-unreadable = No se pudo leer el formulario, así que no se informó de nada. Vuelva atrás, recargue la página e inténtelo de nuevo.
report-unavailable-title = No guardado
report-unavailable-lead = Algo falló de nuestro lado y su informe no se guardó. Inténtelo de nuevo en un minuto.

## El porqué de un incidente y su próxima actualización prometida (incidents::promise)

why-check = La comprobación «{ $check }» de { $component } indica { $reason }
why-check-failing = La comprobación «{ $check }» de { $component } falla
why-check-unnamed = { $component }: { $reason }
why-from-some = { $said } desde { $failing } de { $all } ubicaciones ({ $names })
why-from-all = { $said } desde las { $all } ubicaciones
why-since = { $said } desde las { $since }.
why-plain = { $said }.
why-passed = La comprobación «{ $check }» de { $component } falló desde las { $since }; vuelve a pasar.
why-passed-plain = La comprobación «{ $check }» de { $component } falló; vuelve a pasar.
why-passed-unnamed = { $component } falló desde las { $since }; vuelve a pasar.
why-passed-unnamed-plain = { $component } falló; vuelve a pasar.
why-more = { $n ->
    [one] Y 1 comprobación más falla.
   *[other] Y { $n } comprobaciones más fallan.
  }
why-not-published = Causa aún no publicada
why-postmortem = Leer el análisis posterior
why-postmortem-at = Leer el análisis posterior: { $url }
why-line = Por qué: { $why }
next-update-by = Próxima actualización hacia las { $time }
next-update-overdue = Actualización atrasada desde las { $time }
mail-next-update = Próxima actualización

## Seguir un incidente («Avísenme cuando esté resuelto»: el formulario de la página de un incidente abierto, /follow/…, los correos)
follow-title = Avísenme cuando esté resuelto
follow-what = Le escribiremos con las novedades de este incidente y cuando esté resuelto, nada más. Esto no le suscribe a nada.
follow-button = Avísenme
follow-page = Seguir este incidente
follow-inbox-open = Abra el enlace que contiene para empezar a recibir las novedades de este incidente. Vale { $days } días.
follow-back = Volver al incidente
follow-not-open-title = No queda nada que seguir
follow-not-open-lead = Este incidente ya no está abierto: { $incident } cuenta cómo terminó.
follow-its-page = su página
follow-not-open-page = No abierto
followed-title = Está siguiendo este incidente
followed-lead = Escribiremos a { $email } cuando { $incident } se actualice y cuando esté resuelto.
followed-ends = No se envía nada más, y el seguimiento termina una semana después de resolverse. Cada correo lleva un enlace para dejar de seguirlo.
follow-stop-title = ¿Dejar de seguir este incidente?
follow-stop-lead = No recibirá más correos sobre él.
follow-stop-button = Dejar de seguir
follow-stopped-title = Ya no sigue este incidente
follow-stopped-lead = No le escribiremos más sobre él.
mail-follow-confirm-title = Confirme que quiere noticias de este incidente
mail-follow-confirm-asked = Alguien, probablemente usted, pidió a { $site } que escribiera a esta dirección sobre «{ $incident }»: sus actualizaciones y su resolución, nada más.
mail-follow-confirm-button = Confirmar para seguir este incidente
mail-follow-confirm-nothing = No se enviará nada a esta dirección si no confirma. La solicitud caduca en { $days } días.
mail-footer-follower = Recibe esto porque pidió a { $site } que le escribiera sobre «{ $incident }» hasta que se resuelva.
mail-stop-following = Dejar de seguir este incidente
