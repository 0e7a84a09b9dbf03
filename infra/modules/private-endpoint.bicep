// One private endpoint with its private DNS zone, so that the public host name of the target
// (e.g. <server>.database.windows.net) resolves to a private address inside the virtual network.

param location string
param name string

@description('Resource ID of the service the endpoint connects to.')
param targetResourceId string

@description('Sub-resource of the target: sqlServer for Azure SQL, vault for Key Vault.')
param groupId string

@description('Private DNS zone of that sub-resource, e.g. privatelink.database.windows.net.')
param privateDnsZoneName string

param subnetId string
param vnetId string
param tags object = {}

resource dnsZone 'Microsoft.Network/privateDnsZones@2020-06-01' = {
  name: privateDnsZoneName
  location: 'global'
  tags: tags
}

resource dnsLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = {
  parent: dnsZone
  name: '${name}-link'
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: vnetId
    }
  }
}

resource endpoint 'Microsoft.Network/privateEndpoints@2023-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: targetResourceId
          groupIds: [groupId]
        }
      }
    ]
  }
}

resource zoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2023-11-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: replace(privateDnsZoneName, '.', '-')
        properties: {
          privateDnsZoneId: dnsZone.id
        }
      }
    ]
  }
}

output endpointId string = endpoint.id
