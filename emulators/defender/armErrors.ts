import { jsonReply, type Reply } from './reply';

/**
 * Azure Resource Manager error replies, with the codes and message wording ARM uses, so that code
 * matching on them (and humans reading logs) see what production would show.
 */
export function armError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Reply {
  return jsonReply(status, { error: { code, message } }, headers);
}

/** Status codes a fault can inject, with the error ARM's front door or the provider returns for each. */
export type FaultStatus = 429 | 500 | 502 | 503 | 504;

export function faultError(
  status: FaultStatus,
  subscriptionId: string,
  objectId: string,
  retryAfterSeconds?: number,
): Reply {
  const headers: Record<string, string> =
    retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) };
  switch (status) {
    case 429:
      return armError(
        429,
        'SubscriptionRequestsThrottled',
        `Number of 'read' requests for subscription '${subscriptionId}' actor '${objectId}' exceeded. Please try again after '${retryAfterSeconds ?? 1}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`,
        headers,
      );
    case 500:
      return armError(
        500,
        'InternalServerError',
        'Encountered internal server error. Please try again.',
        headers,
      );
    case 502:
      return armError(
        502,
        'BadGateway',
        "The gateway received an invalid response from 'Microsoft.Security'.",
        headers,
      );
    case 503:
      return armError(
        503,
        'ServiceUnavailable',
        'The service is currently unavailable. Please try again later.',
        headers,
      );
    case 504:
      return armError(
        504,
        'GatewayTimeout',
        "The gateway did not receive a response from 'Microsoft.Security' within the specified time period.",
        headers,
      );
  }
}

/** 401 with the `WWW-Authenticate` challenge ARM sends, naming the authority to get a token from. */
export function unauthorized(code: string, message: string, authorityUri: string): Reply {
  const escaped = message.replaceAll('"', "'");
  return armError(401, code, message, {
    'WWW-Authenticate': `Bearer authorization_uri="${authorityUri}", error="invalid_token", error_description="${escaped}"`,
  });
}

export function subscriptionNotFound(subscriptionId: string): Reply {
  return armError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
}

export function authorizationFailed(clientId: string, objectId: string, subscriptionId: string): Reply {
  return armError(
    403,
    'AuthorizationFailed',
    `The client '${clientId}' with object id '${objectId}' does not have authorization to perform action 'Microsoft.Security/alerts/read' over scope '/subscriptions/${subscriptionId}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}

export function missingSubscriptionRegistration(subscriptionId: string): Reply {
  return armError(
    409,
    'MissingSubscriptionRegistration',
    `The subscription '${subscriptionId}' is not registered to use namespace 'Microsoft.Security'. See https://aka.ms/rps-not-found for how to register subscriptions.`,
  );
}

export function managementGroupForbidden(clientId: string, objectId: string, groupId: string): Reply {
  return armError(
    403,
    'AuthorizationFailed',
    `The client '${clientId}' with object id '${objectId}' does not have authorization to perform action 'Microsoft.Management/managementGroups/descendants/read' over scope '/providers/Microsoft.Management/managementGroups/${groupId}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}
